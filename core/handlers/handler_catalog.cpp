#include "handler_catalog.hpp"

#include "core/handlers/blocking_handlers.hpp"
#include "core/handlers/chat_handlers.hpp"
#include "core/handlers/framing_handlers.hpp"
#include "core/handlers/readline_timeout.hpp"
#include "core/handlers/simple_handlers.hpp"
#include "core/handlers/write_without_drain.hpp"

namespace loopscope::handlers {

const std::vector<HandlerDescription>& handler_descriptions() {
  static const std::vector<HandlerDescription> descriptions = {
      {"echo", "sends every line back", "core/handlers/echo.cpp"},
      {"upper", "sends every line back in capitals", "core/handlers/upper.cpp"},
      {"ack", "answers each line with ack:<line>", "core/handlers/ack.cpp"},
      {"chat_naive", "broadcasts each line, awaiting every member's drain in turn", "core/handlers/chat_naive.cpp"},
      {"chat_fair", "broadcasts each line without waiting on any other member", "core/handlers/chat_fair.cpp"},
      {"write_without_drain", "answers each line with a large reply and never drains", "core/handlers/write_without_drain.cpp"},
      {"write_with_drain", "the same large replies, each followed by drain()", "core/handlers/write_without_drain.cpp"},
      {"blocking_sleep", "sleeps on the loop thread for every line (freezes everyone)", "core/handlers/blocking_sleep.cpp"},
      {"cpu_parse", "does CPU-heavy parsing on the loop thread (freezes everyone)", "core/handlers/cpu_parse.cpp"},
      {"offload_parse", "does the same parsing on a worker thread", "core/handlers/cpu_parse.cpp"},
      {"readline_timeout", "echo with a deadline on every readline", "core/handlers/readline_timeout.cpp"},
      {"read_chunks", "reads up to 100 bytes at a time with no framing; replies \"got N bytes\"", "core/handlers/read_chunks.cpp"},
      {"echo_no_close", "echo that forgets to close its connection (a leak)", "core/handlers/echo_no_close.cpp"},
  };
  return descriptions;
}

std::string handler_names_joined() {
  std::string joined;
  for (const auto& description : handler_descriptions()) {
    if (!joined.empty()) joined += ", ";
    joined += description.name;
  }
  return joined;
}

bool is_handler_name(std::string_view name) {
  for (const auto& description : handler_descriptions()) {
    if (description.name == name) return true;
  }
  return false;
}

HandlerCatalog::HandlerCatalog(HandlerSettings settings) : settings_(settings) {}

std::optional<loop::ConnectionHandler> HandlerCatalog::make(std::string_view name) {
  using loop::StreamReader;
  using loop::StreamWriter;
  if (name == "echo") return loop::ConnectionHandler(echo);
  if (name == "upper") return loop::ConnectionHandler(upper);
  if (name == "ack") return loop::ConnectionHandler(ack);
  if (name == "read_chunks") return loop::ConnectionHandler(read_chunks);
  if (name == "echo_no_close") return loop::ConnectionHandler(echo_no_close);
  if (name == "chat_naive") {
    return [this](StreamReader& reader, StreamWriter& writer) { return chat_naive(chat_room_, reader, writer); };
  }
  if (name == "chat_fair") {
    return [this](StreamReader& reader, StreamWriter& writer) { return chat_fair(chat_room_, reader, writer); };
  }
  if (name == "write_without_drain") {
    return [this](StreamReader& reader, StreamWriter& writer) {
      return write_without_drain(reader, writer, settings_.write_without_drain_reply_bytes);
    };
  }
  if (name == "write_with_drain") {
    return [this](StreamReader& reader, StreamWriter& writer) {
      return write_with_drain(reader, writer, settings_.write_without_drain_reply_bytes);
    };
  }
  if (name == "blocking_sleep") {
    return [this](StreamReader& reader, StreamWriter& writer) {
      return blocking_sleep(reader, writer, settings_.blocking_delay);
    };
  }
  if (name == "cpu_parse") {
    return [this](StreamReader& reader, StreamWriter& writer) { return cpu_parse(reader, writer, settings_.parse_cpu_time); };
  }
  if (name == "offload_parse") {
    return [this](StreamReader& reader, StreamWriter& writer) {
      return offload_parse(reader, writer, workers_, settings_.parse_cpu_time);
    };
  }
  if (name == "readline_timeout") {
    return [this](StreamReader& reader, StreamWriter& writer) {
      return readline_timeout(reader, writer, settings_.read_timeout);
    };
  }
  return std::nullopt;
}

}  // namespace loopscope::handlers
