#include "lesson_parser.hpp"

#include <fstream>
#include <sstream>

#include "core/handlers/handler_catalog.hpp"
#include "core/model/task_state.hpp"
#include "core/model/warnings.hpp"

namespace loopscope::scenarios {

namespace {

constexpr double kMaxSeconds = 3600;

std::vector<std::string> warning_ids() {
  std::vector<std::string> ids;
  for (int kind = 0; kind < model::kWarningKindCount; ++kind) {
    ids.emplace_back(model::warning_kind_id(static_cast<model::WarningKind>(kind)));
  }
  return ids;
}

const std::vector<std::string>& measures_needing_group() {
  static const std::vector<std::string> measures = {
      "state_share", "latency_percentile_ms", "latency_ratio", "replies", "drain_stall_begin_level",
      "drain_stall_end_level", "drain_stalls", "writer_peak", "bytes_echoed_ratio", "server_reads",
      "gauge_per_client", "gauge_ratio", "tasks_in_state_share"};
  return measures;
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

std::string joined(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + name;
  return text;
}

ServerConfig read_server(const JsonObjectReader& object) {
  ServerConfig server;
  const std::string model = object.text_or("model", "loop");
  const auto parsed_model = server_model_from_name(model);
  if (!parsed_model) object.fail("model", "expected loop, threads or pool, found \"" + model + "\"");
  server.model = *parsed_model;
  server.pool_threads = static_cast<std::size_t>(object.integer_or("pool_threads", 50, 1, 10000));
  server.handler = object.text_or("handler", server.handler);
  if (!handlers::is_handler_name(server.handler)) {
    object.fail("handler", "expected one of " + handlers::handler_names_joined() + ", found \"" + server.handler + "\"");
  }
  server.high_water_bytes = static_cast<std::size_t>(object.integer_or("high_water_bytes", 64 * 1024, 1, 1LL << 32));
  if (object.has("low_water_bytes")) {
    server.low_water_bytes = static_cast<std::size_t>(object.integer_or("low_water_bytes", 0, 0, 1LL << 32));
    if (*server.low_water_bytes > server.high_water_bytes) object.fail("low_water_bytes", "expected at most high_water_bytes");
  }
  server.line_limit_bytes = static_cast<std::size_t>(object.integer_or("line_limit_bytes", 64 * 1024, 1, 1LL << 30));
  if (object.has("send_buffer_bytes")) {
    server.send_buffer_bytes = static_cast<int>(object.integer_or("send_buffer_bytes", 0, 1024, 1 << 26));
  }
  if (object.has("receive_buffer_bytes")) {
    server.receive_buffer_bytes = static_cast<int>(object.integer_or("receive_buffer_bytes", 0, 1024, 1 << 26));
  }
  server.max_connections = static_cast<std::size_t>(object.integer_or("max_connections", 1024, 1, 100000));
  server.blocking_ms = static_cast<std::uint32_t>(object.integer_or("blocking_ms", 500, 0, 60000));
  server.parse_ms = static_cast<std::uint32_t>(object.integer_or("parse_ms", 300, 0, 60000));
  server.timeout_ms = static_cast<std::uint32_t>(object.integer_or("timeout_ms", 2000, 1, 600000));
  server.reply_bytes = static_cast<std::size_t>(object.integer_or("reply_bytes", 64 * 1024, 2, 1 << 26));
  if (!model_serves_handler(server.model, server.handler)) {
    object.fail("handler", "the " + model + " model serves " + model_handler_names(server.model) + ", not \"" +
                               server.handler + "\"");
  }
  object.reject_unknown_keys();
  return server;
}

ClientGroup read_group(const std::string& name, const JsonObjectReader& object) {
  ClientGroup group;
  group.name = name;
  group.count = static_cast<int>(object.integer_or("count", 1, 1, 1000));
  ClientSpec& spec = group.spec;
  spec.group = name;
  spec.behaviour = object.text("behaviour");
  if (!is_client_behaviour(spec.behaviour)) {
    std::vector<std::string> names;
    for (const auto& behaviour : client_behaviours()) names.push_back(behaviour.name);
    object.fail("behaviour", "expected one of " + joined(names) + ", found \"" + spec.behaviour + "\"");
  }
  spec.lines = static_cast<int>(object.integer_or("lines", spec.lines, 0, 1000000));
  spec.line_bytes = static_cast<std::size_t>(object.integer_or("line_bytes", static_cast<long long>(spec.line_bytes), 2, 1 << 24));
  spec.think = std::chrono::milliseconds(object.integer_or("think_ms", spec.think.count(), 0, 600000));
  spec.chunk_bytes = static_cast<std::size_t>(object.integer_or("chunk_bytes", static_cast<long long>(spec.chunk_bytes), 1, 1 << 20));
  spec.chunk_interval = std::chrono::milliseconds(object.integer_or("chunk_interval_ms", spec.chunk_interval.count(), 0, 600000));
  spec.read_bytes_per_second = static_cast<std::size_t>(
      object.integer_or("read_bytes_per_second", static_cast<long long>(spec.read_bytes_per_second), 1, 1LL << 32));
  if (object.has("receive_buffer_bytes")) {
    spec.receive_buffer_bytes = static_cast<int>(object.integer_or("receive_buffer_bytes", 0, 1024, 1 << 26));
  }
  spec.stall = std::chrono::milliseconds(object.integer_or("stall_ms", 0, 0, 3600000));
  spec.abort_after = std::chrono::milliseconds(object.integer_or("abort_after_ms", spec.abort_after.count(), 0, 600000));
  spec.read_replies = object.boolean_or("reads", true);
  object.reject_unknown_keys();
  return group;
}

StepTrigger read_trigger(const JsonObjectReader& step, const Lesson& lesson) {
  StepTrigger trigger;
  const bool timed = step.has("at_s");
  const bool on_event = step.has("on");
  const bool after_previous = step.has("after_s");
  if (int(timed) + int(on_event) + int(after_previous) != 1) {
    step.fail("", "expected exactly one of \"at_s\" (a time), \"after_s\" (seconds after the previous step) or \"on\" (an event)");
  }
  if (timed) {
    trigger.at_s = step.number("at_s", 0, kMaxSeconds);
    return trigger;
  }
  if (after_previous) {
    trigger.kind = StepTrigger::Kind::AfterPrevious;
    trigger.at_s = step.number("after_s", 0, kMaxSeconds);
    return trigger;
  }
  const std::string on = step.text("on");
  if (on == "first_drain_stall") {
    trigger.kind = StepTrigger::Kind::FirstDrainStall;
  } else if (on == "first_freeze") {
    trigger.kind = StepTrigger::Kind::FirstFreeze;
  } else if (on == "first_timeout") {
    trigger.kind = StepTrigger::Kind::FirstTimeout;
  } else if (on.rfind("group_done:", 0) == 0) {
    trigger.kind = StepTrigger::Kind::GroupDone;
    trigger.group = on.substr(std::string("group_done:").size());
    if (lesson.groups.count(trigger.group) == 0) step.fail("on", "names the group \"" + trigger.group + "\", which \"clients\" does not define");
  } else {
    step.fail("on", "expected first_drain_stall, first_freeze, first_timeout or group_done:<group>, found \"" + on + "\"");
  }
  return trigger;
}

LessonAction read_action(const nlohmann::json& value, const std::string& path, const std::string& file,
                         const Lesson& lesson) {
  const JsonObjectReader action(value, path, file);
  const std::string kind = action.text("do");
  LessonAction parsed;
  const auto require_group = [&](const std::string& key) {
    parsed.target = action.text(key);
    if (lesson.groups.count(parsed.target) == 0) action.fail(key, "names the group \"" + parsed.target + "\", which \"clients\" does not define");
  };
  if (kind == "start") {
    parsed.kind = LessonAction::Kind::Start;
    require_group("group");
  } else if (kind == "stop") {
    parsed.kind = LessonAction::Kind::Stop;
    require_group("group");
  } else if (kind == "set_handler") {
    parsed.kind = LessonAction::Kind::SetHandler;
    parsed.target = action.text("handler");
    if (!handlers::is_handler_name(parsed.target)) action.fail("handler", "expected one of " + handlers::handler_names_joined());
  } else if (kind == "set_limits") {
    parsed.kind = LessonAction::Kind::SetLimits;
    parsed.high_water_bytes = static_cast<std::size_t>(action.integer_or("high_water_bytes", 64 * 1024, 1, 1LL << 32));
    parsed.low_water_bytes = static_cast<std::size_t>(
        action.integer_or("low_water_bytes", static_cast<long long>(parsed.high_water_bytes / 4), 0, 1LL << 32));
    if (parsed.low_water_bytes > parsed.high_water_bytes) action.fail("low_water_bytes", "expected at most high_water_bytes");
  } else if (kind == "inject_blocking") {
    parsed.kind = LessonAction::Kind::InjectBlocking;
    parsed.blocking_ms = static_cast<std::uint32_t>(action.integer_or("ms", 500, 1, 60000));
  } else if (kind == "mark") {
    parsed.kind = LessonAction::Kind::Mark;
    parsed.target = action.text("text");
  } else if (kind == "set_model") {
    parsed.kind = LessonAction::Kind::SetModel;
    const std::string model = action.text("model");
    const auto parsed_model = server_model_from_name(model);
    if (!parsed_model) action.fail("model", "expected loop, threads or pool, found \"" + model + "\"");
    parsed.model = *parsed_model;
  } else {
    action.fail("do", "expected start, stop, set_handler, set_limits, inject_blocking, mark or set_model, found \"" + kind +
                          "\"");
  }
  action.reject_unknown_keys();
  return parsed;
}

LessonCheck read_check(const nlohmann::json& value, const std::string& path, const std::string& file,
                       const Lesson& lesson) {
  const JsonObjectReader object(value, path, file);
  LessonCheck check;
  check.name = object.text("name");
  check.measure = object.text("measure");
  if (!contains(check_measures(), check.measure)) {
    object.fail("measure", "expected one of " + joined(check_measures()) + ", found \"" + check.measure + "\"");
  }
  if (contains(measures_needing_group(), check.measure) || object.has("group")) {
    check.group = object.text("group");
    if (lesson.groups.count(check.group) == 0) object.fail("group", "names the group \"" + check.group + "\", which \"clients\" does not define");
  }
  if (check.measure == "gauge_ratio") {
    // Against another group's growth, or (versus_gauge) another gauge's growth in the same group.
    check.versus_group = object.text_or("versus", check.group);
    if (lesson.groups.count(check.versus_group) == 0) object.fail("versus", "names a group that \"clients\" does not define");
  }
  if (check.measure == "latency_ratio") {
    check.versus_group = object.text("versus");
    if (lesson.groups.count(check.versus_group) == 0) object.fail("versus", "names a group that \"clients\" does not define");
  }
  if (check.measure == "gauge_per_client" || check.measure == "gauge_ratio") {
    const auto read_gauge = [&object](const std::string& key, const std::string& fallback) {
      const std::string name = fallback.empty() ? object.text(key) : object.text_or(key, fallback);
      bool known = false;
      for (int gauge = 0; gauge < trace::kProcessGaugeCount; ++gauge) {
        known |= trace::process_gauge_name(static_cast<trace::ProcessGauge>(gauge)) == name;
      }
      if (!known) {
        object.fail(key, "expected threads, resident_bytes, reserved_bytes, kernel_stack_bytes, voluntary_switches or "
                         "involuntary_switches, found \"" + name + "\"");
      }
      return name;
    };
    check.gauge = read_gauge("gauge", "");
    if (check.measure == "gauge_ratio") check.versus_gauge = read_gauge("versus_gauge", check.gauge);
  }
  if (check.measure == "state_share" || check.measure == "tasks_in_state_share") {
    check.state = object.text("state");
    model::TaskState state{};
    if (!model::parse_task_state(check.state, state)) {
      object.fail("state", "expected running, awaiting_read, awaiting_drain, awaiting_timer, awaiting_worker, awaiting_close or awaiting_other");
    }
  }
  check.percentile = object.number_or("percentile", 95, 0, 100);
  check.relative_to = object.text_or("relative_to", "");
  if (!check.relative_to.empty() && check.relative_to != "high_water" && check.relative_to != "low_water") {
    object.fail("relative_to", "expected high_water or low_water, found \"" + check.relative_to + "\"");
  }
  if (check.measure == "connections_closed") check.reason = object.text("reason");
  if (check.measure == "warnings") {
    check.warning = object.text("warning");
    if (!model::warning_kind_from_id(check.warning)) {
      object.fail("warning", "expected one of " + joined(warning_ids()) + ", found \"" + check.warning + "\"");
    }
  }
  check.at_least = object.optional_number("at_least", -1e18, 1e18);
  check.at_most = object.optional_number("at_most", -1e18, 1e18);
  if (!check.at_least && !check.at_most) object.fail("", "expected \"at_least\", \"at_most\" or both");
  object.reject_unknown_keys();
  return check;
}

Prediction read_prediction(const nlohmann::json& value, const std::string& path, const std::string& file,
                           std::size_t step_count) {
  const JsonObjectReader object(value, path, file);
  Prediction prediction;
  prediction.question = object.text("question");
  prediction.choices = object.text_array("choices");
  if (prediction.choices.size() < 2) object.fail("choices", "expected at least two choices");
  prediction.answer = static_cast<std::size_t>(
      object.integer_or("answer", -1, 0, static_cast<long long>(prediction.choices.size()) - 1));
  if (!object.has("answer")) object.fail("answer", "missing; this key is required (the index of the right choice)");
  prediction.explanation = object.text("explanation");
  prediction.before_step = static_cast<std::size_t>(
      object.integer_or("before_step", 0, 0, static_cast<long long>(step_count == 0 ? 0 : step_count - 1)));
  prediction.reveal_step = static_cast<std::size_t>(object.integer_or(
      "reveal_step", static_cast<long long>(prediction.before_step), static_cast<long long>(prediction.before_step),
      static_cast<long long>(step_count == 0 ? 0 : step_count - 1)));
  if (object.has("about")) {
    for (const std::string& name : object.text_array("about")) {
      const std::optional<trace::EventKind> kind = trace::event_kind_from_name(name);
      if (!kind) object.fail("about", "expected trace event names such as \"freeze_begin\" or \"drain_stall_begin\" (docs/trace-format.md); found \"" + name + "\"");
      prediction.about.push_back(*kind);
    }
  }
  object.reject_unknown_keys();
  return prediction;
}

LessonBreakpoint read_breakpoint(const nlohmann::json& value, const std::string& path, const std::string& file) {
  const JsonObjectReader object(value, path, file);
  LessonBreakpoint breakpoint;
  const std::string on = object.text("on");
  const auto kind = model::step_kind_from_id(on);
  if (!kind || *kind == model::StepKind::AnyEvent) {
    object.fail("on", "expected \"suspension\", \"drain_stall\", \"freeze\" or \"client_reply\"; found \"" + on + "\"");
  }
  breakpoint.on = *kind;
  breakpoint.occurrence = static_cast<int>(object.integer_or("occurrence", 1, 1, 1'000'000));
  breakpoint.note = object.text_or("note", "");
  object.reject_unknown_keys();
  return breakpoint;
}

}  // namespace

const std::vector<std::string>& check_measures() {
  static const std::vector<std::string> measures = {
      "state_share",           "latency_percentile_ms", "latency_ratio",   "replies",
      "drain_stall_begin_level", "drain_stall_end_level", "drain_stalls",  "writer_peak",
      "bytes_echoed_ratio",    "longest_freeze_ms",     "max_loop_lag_ms", "connections_closed",
      "cancelled_awaits",      "server_reads",          "warnings",        "gauge_per_client",
      "gauge_ratio",           "tasks_in_state_share"};
  return measures;
}

Lesson parse_lesson(std::string_view json_text, const std::string& file_name) {
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(json_text);
  } catch (const nlohmann::json::exception& error) {
    // Not only parse_error: a number too large for a double is out_of_range (found by
    // tests/fuzz/lesson_file_fuzz), and it too must name the file.
    throw LessonFileError(file_name, "$", std::string("not valid JSON: ") + error.what());
  }
  const JsonObjectReader root(document, "$", file_name);
  const std::string format = root.text("format");
  if (format != kLessonFormat) {
    root.fail("format", std::string("expected \"") + kLessonFormat + "\", found \"" + format + "\"");
  }
  Lesson lesson;
  lesson.id = root.text("id");
  lesson.title = root.text("title");
  lesson.summary = root.text("summary");
  lesson.server = read_server(root.object("server"));
  for (auto& [name, group] : root.object("clients").members()) lesson.groups[name] = read_group(name, group);
  if (lesson.groups.empty()) root.fail("clients", "expected at least one client group");

  const auto steps = root.array("steps");
  if (steps.empty()) root.fail("steps", "expected at least one step");
  for (const auto& [value, path] : steps) {
    const JsonObjectReader step(*value, path, file_name);
    LessonStep parsed;
    parsed.trigger = read_trigger(step, lesson);
    parsed.narration = step.text("say");
    if (step.has("actions")) {
      for (const auto& [action, action_path] : step.array("actions")) {
        parsed.actions.push_back(read_action(*action, action_path, file_name, lesson));
      }
    }
    step.reject_unknown_keys();
    lesson.steps.push_back(std::move(parsed));
  }
  for (const auto& [value, path] : root.array("predictions")) {
    lesson.predictions.push_back(read_prediction(*value, path, file_name, lesson.steps.size()));
  }
  for (const auto& [value, path] : root.array("checks")) {
    lesson.checks.push_back(read_check(*value, path, file_name, lesson));
  }
  if (root.has("breakpoints")) {
    for (const auto& [value, path] : root.array("breakpoints")) {
      lesson.breakpoints.push_back(read_breakpoint(*value, path, file_name));
    }
  }
  const JsonObjectReader end = root.object("end");
  if (end.has("after_s")) lesson.end.after_s = end.number("after_s", 0, kMaxSeconds);
  if (end.has("when_group_done")) {
    lesson.end.when_group_done = end.text("when_group_done");
    if (lesson.groups.count(lesson.end.when_group_done) == 0) end.fail("when_group_done", "names a group that \"clients\" does not define");
  }
  if (!lesson.end.after_s && lesson.end.when_group_done.empty()) end.fail("", "expected \"after_s\" or \"when_group_done\"");
  lesson.end.timeout_s = end.number_or("timeout_s", 30, 1, kMaxSeconds);
  end.reject_unknown_keys();
  if (root.has("panels")) {
    for (const std::string& panel : root.text_array("panels")) {
      if (!is_lesson_panel(panel)) {
        root.fail("panels", "expected panel names among \"connections\", \"loop\", \"code\", \"events\"; found \"" +
                                panel + "\"");
      }
      lesson.panels.push_back(panel);
    }
  }
  if (root.has("servers")) {
    const auto servers = root.text_array("servers");
    bool loopscope = false;
    lesson.runs_on_asyncio = false;
    for (const std::string& server : servers) {
      if (server == "loopscope") loopscope = true;
      else if (server == "asyncio") lesson.runs_on_asyncio = true;
      else root.fail("servers", "expected \"loopscope\" and optionally \"asyncio\", found \"" + server + "\"");
    }
    if (!loopscope) root.fail("servers", "expected \"loopscope\" among them: every lesson runs on Loopscope's server");
  }
  if (lesson.runs_on_asyncio && lesson.server.model != ServerModel::Loop) {
    root.fail("servers", "a lesson whose server is \"" + std::string(server_model_name(lesson.server.model)) +
                             "\" cannot run on asyncio: say \"servers\": [\"loopscope\"]");
  }
  for (const LessonStep& step : lesson.steps) {
    for (const LessonAction& action : step.actions) {
      if (action.kind == LessonAction::Kind::SetModel && lesson.runs_on_asyncio) {
        root.fail("servers", "a lesson that switches server models cannot run on asyncio: say \"servers\": [\"loopscope\"]");
      }
    }
  }
  root.reject_unknown_keys();
  return lesson;
}

Lesson load_lesson_file(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw LessonFileError(path.string(), "$", "cannot open the file");
  std::ostringstream text;
  text << file.rdbuf();
  return parse_lesson(text.str(), path.string());
}

}  // namespace loopscope::scenarios
