// libFuzzer: the wire stream decoder, which reads bytes from another process. The input is
// decoded three ways: in one feed, in two pieces split at a point derived from its first byte,
// and in small pieces. A pipe may split the stream anywhere, so all three must refuse with the
// same message or accept the same frames; what was accepted must keep the stream's promises
// (every reference defined, only server kinds) and survive a round trip through the encoder.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/wire/wire_decoder.hpp"
#include "core/wire/wire_encoder.hpp"

namespace {

using loopscope::trace::EventKind;
using loopscope::wire::WireDecoder;
using loopscope::wire::WireEncoder;
using loopscope::wire::WireFormatError;
using loopscope::wire::WireUpdate;

struct Outcome {
  std::string refusal;  // empty when accepted
  WireUpdate update;    // everything decoded, up to the refusal if there was one
  std::uint64_t bytes_consumed = 0;
  bool ended = false;
};

Outcome decode(const std::vector<std::string_view>& pieces) {
  WireDecoder decoder;
  Outcome outcome;
  try {
    for (std::string_view piece : pieces) outcome.update.append(decoder.feed(piece));
    decoder.finish_input();
  } catch (const WireFormatError& error) {
    outcome.refusal = error.what();
    if (outcome.refusal.empty()) __builtin_trap();
    outcome.update.append(decoder.take_update_before_error());
    // Refused for good: more bytes cannot revive it.
    try {
      decoder.feed("L");
      __builtin_trap();
    } catch (const WireFormatError& again) {
      if (outcome.refusal != again.what()) __builtin_trap();
    }
  }
  outcome.bytes_consumed = decoder.bytes_consumed();
  outcome.ended = decoder.ended();
  return outcome;
}

// An independent spelling of the kinds docs/wire-format.md lets a server send.
bool is_server_kind(std::uint8_t raw) {
  return (raw >= 1 && raw <= 7) || (raw >= 10 && raw <= 15) || (raw >= 20 && raw <= 23) || (raw >= 30 && raw <= 34);
}

void check_promises(const WireUpdate& update) {
  if (!update.hello && !update.empty()) __builtin_trap();  // nothing comes before the hello
  if (update.new_labels.size() > loopscope::wire::kMaxWireLabels) __builtin_trap();
  for (const auto& site : update.new_sites) {
    if (site.file.size() > loopscope::wire::kMaxWireStringBytes) __builtin_trap();
    if (site.function.size() > loopscope::wire::kMaxWireStringBytes) __builtin_trap();
  }
  for (const auto& event : update.events) {
    if (event.site > update.new_sites.size()) __builtin_trap();
    if (event.reserved != 0) __builtin_trap();
    if (!is_server_kind(static_cast<std::uint8_t>(event.kind))) __builtin_trap();
    if (event.kind == EventKind::TaskSpawned && event.aux > update.new_labels.size()) __builtin_trap();
    if (event.kind == EventKind::TaskFailed && (event.aux == 0 || event.aux > update.new_labels.size())) __builtin_trap();
  }
}

// Writes what was accepted as a stream of its own: its sites and labels come before all its
// events, so it is valid whenever the original was, and must decode to the same update.
void check_round_trip(const WireUpdate& update) {
  if (!update.hello) return;
  WireEncoder encoder;
  std::string bytes = WireEncoder::header() + encoder.hello(update.hello->pid, update.hello->runtime, update.hello->program);
  for (const auto& site : update.new_sites) bytes += encoder.site(site.file, site.function, site.line).bytes;
  for (const auto& label : update.new_labels) bytes += encoder.label(label).bytes;
  bytes += WireEncoder::events(update.events);
  if (update.dropped_total) bytes += WireEncoder::dropped(*update.dropped_total);
  for (const auto& listening : update.listening) bytes += WireEncoder::listening(listening.ipv4, listening.port);
  if (update.end_status) bytes += WireEncoder::end(*update.end_status);
  const Outcome again = decode({bytes});
  if (!again.refusal.empty() || !(again.update == update)) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const Outcome whole = decode({bytes});

  // The first byte of a real stream is always 'L', so the size is mixed in to move the split.
  const std::size_t split = size == 0 ? 0 : (std::size_t{data[0]} * 257 + size) % (size + 1);
  const Outcome halves = decode({bytes.substr(0, split), bytes.substr(split)});

  std::vector<std::string_view> small_pieces;
  const std::size_t piece_bytes = 1 + size % 11;
  for (std::size_t at = 0; at < size; at += piece_bytes) small_pieces.push_back(bytes.substr(at, piece_bytes));
  const Outcome pieces = decode(small_pieces);

  for (const Outcome* other : {&halves, &pieces}) {
    if (other->refusal != whole.refusal) __builtin_trap();
    if (!(other->update == whole.update)) __builtin_trap();
    if (other->bytes_consumed != whole.bytes_consumed || other->ended != whole.ended) __builtin_trap();
  }
  // What a refused stream kept is a valid stream's frames too, so it must keep the same promises.
  check_promises(whole.update);
  check_round_trip(whole.update);
  if (whole.refusal.empty()) {
    if (whole.bytes_consumed != size) __builtin_trap();  // accepted means every byte was decoded
    if (whole.ended != whole.update.end_status.has_value()) __builtin_trap();
  }
  return 0;
}
