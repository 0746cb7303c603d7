#include "client_pool.hpp"

#include <asio/bind_cancellation_slot.hpp>
#include <asio/co_spawn.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/post.hpp>
#include <future>
#include <stdexcept>

#include "core/trace/hook.hpp"
#include "scenarios/clients/client_behaviours.hpp"

namespace loopscope::scenarios {

using trace::ClientEnd;

namespace {

asio::awaitable<ClientEnd> run_behaviour(ClientSession& session) {
  const std::string& name = session.spec().behaviour;
  if (name == "fast") {
    const ClientEnd end = co_await run_fast(session);
    co_return end;
  }
  if (name == "trickle") {
    const ClientEnd end = co_await run_trickle(session);
    co_return end;
  }
  if (name == "burst") {
    const ClientEnd end = co_await run_burst(session);
    co_return end;
  }
  if (name == "slow_reader") {
    const ClientEnd end = co_await run_slow_reader(session);
    co_return end;
  }
  if (name == "stalled_reader") {
    const ClientEnd end = co_await run_stalled_reader(session);
    co_return end;
  }
  if (name == "silent") {
    const ClientEnd end = co_await run_silent(session);
    co_return end;
  }
  if (name == "abrupt") {
    const ClientEnd end = co_await run_abrupt(session);
    co_return end;
  }
  if (name == "half_close") {
    const ClientEnd end = co_await run_half_close(session);
    co_return end;
  }
  if (name == "chat_member") {
    const ClientEnd end = co_await run_chat_member(session);
    co_return end;
  }
  throw std::invalid_argument("unknown client behaviour " + name);
}

}  // namespace

const std::vector<ClientBehaviourInfo>& client_behaviours() {
  static const std::vector<ClientBehaviourInfo> behaviours = {
      {"fast", "request, reply, think; a well-behaved client"},
      {"trickle", "sends each line a few bytes at a time, slowly"},
      {"burst", "pipelines many lines without reading, then reads the replies"},
      {"slow_reader", "reads its replies at a limited rate"},
      {"stalled_reader", "stops reading altogether"},
      {"silent", "connects and sends nothing"},
      {"abrupt", "resets the connection without closing it"},
      {"half_close", "shuts down its sending side, then reads"},
      {"chat_member", "sends a message now and then and reads what the room says"},
  };
  return behaviours;
}

bool is_client_behaviour(const std::string& name) {
  for (const auto& behaviour : client_behaviours()) {
    if (behaviour.name == name) return true;
  }
  return false;
}

ClientPool::ClientPool(trace::Recorder& recorder, asio::ip::tcp::endpoint server)
    : recorder_(recorder), server_(std::move(server)) {
  std::promise<void> attached;
  auto ready = attached.get_future();
  thread_ = std::thread([this, &attached] {
    auto attachment = recorder_.attach_current_thread("clients");
    auto work = asio::make_work_guard(context_);
    attached.set_value();
    context_.run();
  });
  ready.wait();
}

ClientPool::~ClientPool() {
  stop_all();
  // Give stopped clients a moment to record how they ended, then stop the context for good.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (running() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  context_.stop();
  thread_.join();
}

ClientId ClientPool::start(const ClientSpec& spec) {
  if (!is_client_behaviour(spec.behaviour)) throw std::invalid_argument("unknown client behaviour '" + spec.behaviour + "'");
  const std::uint16_t behaviour_label = recorder_.intern_label(spec.behaviour);
  const std::uint16_t group_label = recorder_.intern_label(spec.group);
  ClientId id = 0;
  asio::cancellation_slot slot;
  {
    std::lock_guard lock(mutex_);
    id = next_id_++;
    ClientState& state = clients_[id];
    state.group = spec.group;
    state.stop_signal = std::make_unique<asio::cancellation_signal>();
    slot = state.stop_signal->slot();
  }
  auto session = std::make_shared<ClientSession>(context_.get_executor(), id, spec, hold_);
  asio::post(context_, [this, session, slot, id, behaviour_label, group_label]() mutable {
    trace::record(trace::EventKind::ClientStarted, id, group_label, 0, {}, behaviour_label);
    asio::co_spawn(context_, run_client(session), asio::bind_cancellation_slot(slot, [](std::exception_ptr) {}));
  });
  return id;
}

asio::awaitable<void> ClientPool::run_client(std::shared_ptr<ClientSession> session) {
  ClientEnd end = ClientEnd::Completed;
  try {
    co_await session->connect(server_);
    end = co_await run_behaviour(*session);
  } catch (const std::system_error& error) {
    if (error.code() == asio::error::operation_aborted) {
      end = ClientEnd::Stopped;
    } else if (error.code() == asio::error::eof || error.code() == asio::error::connection_reset ||
               error.code() == asio::error::broken_pipe) {
      end = ClientEnd::ServerClosed;
    } else {
      end = ClientEnd::Failed;
    }
  }
  if (end != ClientEnd::Reset) session->close();
  trace::record(trace::EventKind::ClientFinished, session->id(), 0, trace::detail_of(end));
  std::lock_guard lock(mutex_);
  clients_[session->id()].end = end;
}

void ClientPool::post_stop(ClientId id) {
  asio::post(context_, [this, id] {
    std::lock_guard lock(mutex_);
    const auto found = clients_.find(id);
    if (found != clients_.end() && !found->second.end) found->second.stop_signal->emit(asio::cancellation_type::terminal);
  });
}

void ClientPool::stop(ClientId id) { post_stop(id); }

void ClientPool::stop_group(std::string_view group) {
  std::vector<ClientId> ids;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, state] : clients_) {
      if (state.group == group) ids.push_back(id);
    }
  }
  for (const ClientId id : ids) post_stop(id);
}

void ClientPool::stop_all() {
  std::vector<ClientId> ids;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [id, state] : clients_) ids.push_back(id);
  }
  for (const ClientId id : ids) post_stop(id);
}

void ClientPool::hold() {
  held_.store(true, std::memory_order_relaxed);
  asio::post(context_, [this] { hold_.set_held(true); });
}

void ClientPool::release() {
  held_.store(false, std::memory_order_relaxed);
  asio::post(context_, [this] { hold_.set_held(false); });
}

bool ClientPool::finished(ClientId id) const { return end_of(id).has_value(); }

std::optional<ClientEnd> ClientPool::end_of(ClientId id) const {
  std::lock_guard lock(mutex_);
  const auto found = clients_.find(id);
  return found == clients_.end() ? std::nullopt : found->second.end;
}

bool ClientPool::group_finished(std::string_view group) const {
  std::lock_guard lock(mutex_);
  for (const auto& [id, state] : clients_) {
    if (state.group == group && !state.end) return false;
  }
  return true;
}

std::size_t ClientPool::running() const {
  std::lock_guard lock(mutex_);
  std::size_t count = 0;
  for (const auto& [id, state] : clients_) count += state.end ? 0 : 1;
  return count;
}

}  // namespace loopscope::scenarios
