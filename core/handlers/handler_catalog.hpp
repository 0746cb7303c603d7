#pragma once
// The handlers a server can run, by name: what `loopscope serve --handler NAME` and lesson
// files refer to. A catalog owns the state some handlers share (the chat room, the workers).

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/handlers/chat_room.hpp"
#include "core/handlers/handler_settings.hpp"
#include "core/loop/stream_server.hpp"
#include "core/loop/worker_pool.hpp"

namespace loopscope::handlers {

struct HandlerDescription {
  std::string name;
  std::string summary;      // one line, for --help and pickers
  std::string source_file;  // path under core/handlers/, shown in the code panel
};

const std::vector<HandlerDescription>& handler_descriptions();

class HandlerCatalog {
 public:
  explicit HandlerCatalog(HandlerSettings settings = {});
  HandlerCatalog(const HandlerCatalog&) = delete;
  HandlerCatalog& operator=(const HandlerCatalog&) = delete;

  // Empty when the name is unknown. The handler refers to this catalog: keep it alive.
  std::optional<loop::ConnectionHandler> make(std::string_view name);

  const HandlerSettings& settings() const { return settings_; }
  ChatRoom& chat_room() { return chat_room_; }

 private:
  HandlerSettings settings_;
  ChatRoom chat_room_;
  loop::WorkerPool workers_{2};
};

// "echo, upper, ..." for error messages.
std::string handler_names_joined();
bool is_handler_name(std::string_view name);

}  // namespace loopscope::handlers
