"""A learner's program with a bug before it listens: the session must say so and not hang."""

raise RuntimeError("the learner's bug")
