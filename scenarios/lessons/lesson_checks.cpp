#include "lesson_checks.hpp"

#include <algorithm>
#include <cstdio>
#include <iterator>
#include <optional>

#include "core/model/model_queries.hpp"
#include "core/model/warnings.hpp"

namespace loopscope::scenarios {

namespace {

struct Measurement {
  std::optional<double> value;  // nullopt: nothing to measure (say why in `text`)
  std::string text;
};

std::string format_number(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%.3g", value);
  return text;
}

std::vector<const model::ConnectionRecord*> connections_of(const model::TraceModel& model, const std::string& group) {
  std::vector<const model::ConnectionRecord*> found;
  for (const model::TaskRecord* task : model.tasks_of_group(group)) {
    if (const auto* connection = model.connection(task->id)) found.push_back(connection);
  }
  return found;
}

double relative(const LessonCheck& check, const model::ConnectionRecord& connection, std::uint64_t bytes) {
  if (check.relative_to == "high_water" && connection.high_water_bytes > 0) {
    return static_cast<double>(bytes) / static_cast<double>(connection.high_water_bytes);
  }
  if (check.relative_to == "low_water" && connection.low_water_bytes > 0) {
    return static_cast<double>(bytes) / static_cast<double>(connection.low_water_bytes);
  }
  return static_cast<double>(bytes);
}

std::string unit_of(const LessonCheck& check) {
  return check.relative_to.empty() ? " bytes" : " x " + check.relative_to;
}

std::optional<double> latency_ms(const model::TraceModel& model, const std::string& group, double percentile) {
  const auto latencies = model::reply_latencies_ns(model.clients_in_group(group), {});
  const auto value = model::percentile(latencies, percentile);
  if (!value) return std::nullopt;
  return static_cast<double>(*value) / 1e6;
}

std::optional<trace::ProcessGauge> gauge_named(const std::string& name) {
  for (int gauge = 0; gauge < trace::kProcessGaugeCount; ++gauge) {
    if (trace::process_gauge_name(static_cast<trace::ProcessGauge>(gauge)) == name) {
      return static_cast<trace::ProcessGauge>(gauge);
    }
  }
  return std::nullopt;
}

// The gauge's last reading at or before `time_ns` (the first one if none is that early).
std::optional<std::uint64_t> gauge_at(const std::vector<model::CounterSample>& samples, std::uint64_t time_ns) {
  if (samples.empty()) return std::nullopt;
  auto after = std::upper_bound(samples.begin(), samples.end(), time_ns,
                                [](std::uint64_t time, const model::CounterSample& sample) { return time < sample.time_ns; });
  return after == samples.begin() ? samples.front().value : std::prev(after)->value;
}

struct PerClient {
  double value = 0;
  std::size_t clients = 0;
  std::string text;
};

// How much the process's gauge grew while a group's clients were connected, per client: from
// the reading before the first of them started to the last one before the first of them
// finished (the group was all there, idle or busy, by then). The clients live in the same
// process as the server, so the figure holds their cost too, alike for every model compared.
std::optional<PerClient> gauge_growth_per_client(const model::TraceModel& model, const std::string& group,
                                                 trace::ProcessGauge gauge) {
  const auto clients = model.clients_in_group(group);
  std::uint64_t first_start_ns = model::kOpenEnd;
  std::uint64_t first_finish_ns = model.end_ns();
  std::size_t connected = 0;
  for (const auto* client : clients) {
    first_start_ns = std::min(first_start_ns, client->started_ns);
    if (client->finished_ns) first_finish_ns = std::min(first_finish_ns, *client->finished_ns);
    connected += client->local_port != 0 ? 1 : 0;
  }
  const auto& samples = model.process().gauge(gauge);
  if (connected == 0 || first_start_ns == model::kOpenEnd) return std::nullopt;
  const auto before = gauge_at(samples, first_start_ns);
  const auto during = gauge_at(samples, first_finish_ns);
  if (!before || !during) return std::nullopt;
  PerClient result;
  result.clients = connected;
  result.value = (static_cast<double>(*during) - static_cast<double>(*before)) / static_cast<double>(connected);
  result.text = format_number(result.value) + " per client (" + std::to_string(connected) + " clients)";
  return result;
}

Measurement measure(const LessonCheck& check, const model::TraceModel& model) {
  const std::string& m = check.measure;
  const std::string of_group = check.group.empty() ? "" : " of " + check.group;
  if (m == "state_share") {
    const auto tasks = model.tasks_of_group(check.group);
    if (tasks.empty()) return {std::nullopt, "no server task served group " + check.group};
    model::TaskState state{};
    model::parse_task_state(check.state, state);
    const double share = model::share_in_state(model, tasks, state, {});
    return {share, "share of time " + check.state + of_group + ": " + format_number(share)};
  }
  if (m == "latency_percentile_ms") {
    const auto value = latency_ms(model, check.group, check.percentile);
    if (!value) return {std::nullopt, "no replies" + of_group};
    return {value, "p" + format_number(check.percentile) + " latency" + of_group + ": " + format_number(*value) + " ms"};
  }
  if (m == "latency_ratio") {
    const auto mine = latency_ms(model, check.group, check.percentile);
    const auto theirs = latency_ms(model, check.versus_group, check.percentile);
    if (!mine || !theirs || *theirs <= 0) return {std::nullopt, "no replies to compare"};
    const double ratio = *mine / *theirs;
    return {ratio, "p" + format_number(check.percentile) + " latency" + of_group + " / " + check.versus_group + ": " +
                       format_number(*mine) + " / " + format_number(*theirs) + " ms = " + format_number(ratio)};
  }
  if (m == "replies") {
    const double count = static_cast<double>(model::reply_latencies_ns(model.clients_in_group(check.group), {}).size());
    return {count, "replies" + of_group + ": " + format_number(count)};
  }
  if (m == "drain_stalls" || m == "drain_stall_begin_level" || m == "drain_stall_end_level" || m == "writer_peak") {
    const auto connections = connections_of(model, check.group);
    if (connections.empty()) return {std::nullopt, "no connection served group " + check.group};
    std::optional<double> lowest_begin, highest_end, peak;
    double stalls = 0;
    for (const auto* connection : connections) {
      for (const auto& stall : connection->drain_stalls) {
        ++stalls;
        const double begin = relative(check, *connection, stall.begin_level_bytes);
        lowest_begin = lowest_begin ? std::min(*lowest_begin, begin) : begin;
        if (stall.end_ns != model::kOpenEnd) {
          const double end = relative(check, *connection, stall.end_level_bytes);
          highest_end = highest_end ? std::max(*highest_end, end) : end;
        }
      }
      const double writer = relative(check, *connection,
                                     model::peak_level_bytes(*connection, trace::BufferKind::Writer, {}));
      peak = peak ? std::max(*peak, writer) : writer;
    }
    if (m == "drain_stalls") return {stalls, "drain stalls" + of_group + ": " + format_number(stalls)};
    if (m == "writer_peak") return {peak, "writer buffer peak" + of_group + ": " + format_number(*peak) + unit_of(check)};
    if (m == "drain_stall_begin_level") {
      if (!lowest_begin) return {std::nullopt, "no drain stall" + of_group};
      return {lowest_begin, "lowest level a stall began at: " + format_number(*lowest_begin) + unit_of(check)};
    }
    if (!highest_end) return {std::nullopt, "no drain stall ended" + of_group};
    return {highest_end, "highest level a stall ended at: " + format_number(*highest_end) + unit_of(check)};
  }
  if (m == "server_reads") {
    const auto connections = connections_of(model, check.group);
    if (connections.empty()) return {std::nullopt, "no connection served group " + check.group};
    double reads = 0;
    for (const auto* connection : connections) reads += static_cast<double>(connection->reads);
    const double per_connection = reads / static_cast<double>(connections.size());
    return {per_connection, "socket reads per connection" + of_group + ": " + format_number(per_connection)};
  }
  if (m == "bytes_echoed_ratio") {
    double sent = 0, received = 0;
    for (const auto* client : model.clients_in_group(check.group)) {
      sent += static_cast<double>(client->bytes_sent);
      received += static_cast<double>(client->bytes_received);
    }
    if (sent <= 0) return {std::nullopt, "group " + check.group + " sent nothing"};
    return {received / sent, "bytes received / sent" + of_group + ": " + format_number(received) + " / " +
                                 format_number(sent) + " = " + format_number(received / sent)};
  }
  if (m == "longest_freeze_ms") {
    const double value = static_cast<double>(model::longest_freeze_ns(model, {})) / 1e6;
    return {value, "longest freeze: " + format_number(value) + " ms"};
  }
  if (m == "max_loop_lag_ms") {
    const double value = static_cast<double>(model::max_loop_lag_ns(model, {})) / 1e6;
    return {value, "worst loop lag: " + format_number(value) + " ms"};
  }
  if (m == "connections_closed") {
    double count = 0;
    for (const auto& [id, connection] : model.connections()) {
      if (connection.close_reason && trace::close_reason_name(*connection.close_reason) == check.reason) ++count;
    }
    return {count, "connections closed as " + check.reason + ": " + format_number(count)};
  }
  if (m == "cancelled_awaits") {
    const double count = static_cast<double>(model.cancelled_awaits());
    return {count, "cancelled awaits: " + format_number(count)};
  }
  if (m == "warnings") {
    // Counted only: the messages need the trace's site names, the count does not.
    static const trace::TraceLog no_names;
    const auto kind = model::warning_kind_from_id(check.warning);
    if (!kind) return {std::nullopt, "unknown warning " + check.warning};
    const auto warnings = model::find_warnings(model, no_names);
    const auto tasks = model.tasks_of_group(check.group);
    const double count = static_cast<double>(model::count_warnings(warnings, *kind, check.group.empty() ? nullptr : &tasks));
    return {count, check.warning + " warnings" + of_group + ": " + format_number(count)};
  }
  if (m == "gauge_per_client" || m == "gauge_ratio") {
    const auto gauge = gauge_named(check.gauge);
    if (!gauge) return {std::nullopt, "unknown gauge " + check.gauge};
    const auto mine = gauge_growth_per_client(model, check.group, *gauge);
    if (!mine) return {std::nullopt, "no " + check.gauge + " readings while group " + check.group + " was connected"};
    if (m == "gauge_per_client") return {mine->value, check.gauge + of_group + ": " + mine->text};
    const std::string& versus_name = check.versus_gauge.empty() ? check.gauge : check.versus_gauge;
    const auto versus_gauge = gauge_named(versus_name);
    if (!versus_gauge) return {std::nullopt, "unknown gauge " + versus_name};
    const auto theirs = gauge_growth_per_client(model, check.versus_group, *versus_gauge);
    const std::string theirs_name = versus_name + " of " + check.versus_group;
    if (!theirs) return {std::nullopt, "no readings of " + theirs_name};
    if (theirs->value <= 0) return {std::nullopt, theirs_name + " did not grow (" + theirs->text + "): no ratio"};
    const double ratio = mine->value / theirs->value;
    return {ratio, check.gauge + of_group + " / " + theirs_name + ", per client: " + format_number(mine->value) + " / " +
                       format_number(theirs->value) + " = " + format_number(ratio)};
  }
  if (m == "tasks_in_state_share") {
    const auto tasks = model.tasks_of_group(check.group);
    if (tasks.empty()) return {std::nullopt, "no server task served group " + check.group};
    model::TaskState state{};
    model::parse_task_state(check.state, state);
    std::size_t in_state = 0;
    for (const auto* task : tasks) {
      in_state += std::any_of(task->spans.begin(), task->spans.end(),
                              [state](const model::StateSpan& span) { return span.state == state; })
                      ? 1
                      : 0;
    }
    const double share = static_cast<double>(in_state) / static_cast<double>(tasks.size());
    return {share, "tasks" + of_group + " ever " + check.state + ": " + std::to_string(in_state) + " of " +
                       std::to_string(tasks.size()) + " = " + format_number(share)};
  }
  return {std::nullopt, "unknown measure " + m};
}

}  // namespace

CheckResult evaluate_check(const LessonCheck& check, const model::TraceModel& model) {
  CheckResult result;
  result.name = check.name;
  if (check.at_least) result.expected = "at least " + format_number(*check.at_least);
  if (check.at_most) result.expected += (result.expected.empty() ? "" : " and ") + std::string("at most ") + format_number(*check.at_most);
  const Measurement measurement = measure(check, model);
  result.measured = measurement.text;
  result.passed = measurement.value.has_value() && (!check.at_least || *measurement.value >= *check.at_least) &&
                  (!check.at_most || *measurement.value <= *check.at_most);
  return result;
}

}  // namespace loopscope::scenarios
