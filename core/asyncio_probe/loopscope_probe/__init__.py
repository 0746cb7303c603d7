"""Loopscope's probe for CPython asyncio: see core/asyncio_probe/README.md and docs/asyncio.md."""

WIRE_VERSION = 1
