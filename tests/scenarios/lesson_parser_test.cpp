// Lesson files: a good one parses; every kind of mistake names the file, the JSON path and
// what was expected.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "scenarios/lessons/lesson_parser.hpp"

using loopscope::scenarios::LessonFileError;
using loopscope::scenarios::parse_lesson;

namespace {

nlohmann::json valid_lesson() {
  return nlohmann::json::parse(R"({
    "format": "loopscope-lesson/1",
    "id": "tiny",
    "title": "A tiny lesson",
    "summary": "One client, one line.",
    "server": { "handler": "echo", "high_water_bytes": 1000, "low_water_bytes": 100 },
    "clients": { "one": { "behaviour": "fast", "lines": 2, "think_ms": 5 } },
    "steps": [
      { "at_s": 0, "say": "Start.", "actions": [ { "do": "start", "group": "one" } ] },
      { "on": "group_done:one", "say": "Done." }
    ],
    "predictions": [
      { "question": "Q?", "choices": ["a", "b"], "answer": 1, "explanation": "Because.", "before_step": 1 }
    ],
    "checks": [ { "name": "answered", "measure": "replies", "group": "one", "at_least": 2 } ],
    "end": { "when_group_done": "one", "timeout_s": 10 }
  })");
}

// Expects parsing `lesson` to fail at `path` with a message containing `words`.
void expect_refused(const nlohmann::json& lesson, const std::string& path, const std::string& words) {
  try {
    parse_lesson(lesson.dump(), "lessons/tiny.json");
    FAIL() << "accepted a lesson that should fail at " << path;
  } catch (const LessonFileError& error) {
    EXPECT_EQ(error.file_name, "lessons/tiny.json");
    EXPECT_EQ(error.json_path, path) << error.what();
    EXPECT_NE(std::string(error.what()).find(words), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("lessons/tiny.json: at " + path), std::string::npos) << error.what();
  }
}

}  // namespace

TEST(LessonParser, AcceptsAValidLessonWithEveryPartRead) {
  const auto lesson = parse_lesson(valid_lesson().dump(), "tiny.json");
  EXPECT_EQ(lesson.id, "tiny");
  EXPECT_EQ(lesson.server.high_water_bytes, 1000u);
  EXPECT_EQ(lesson.server.low_water_bytes, 100u);
  ASSERT_EQ(lesson.groups.count("one"), 1u);
  EXPECT_EQ(lesson.groups.at("one").spec.lines, 2);
  EXPECT_EQ(lesson.groups.at("one").spec.think.count(), 5);
  ASSERT_EQ(lesson.steps.size(), 2u);
  EXPECT_EQ(lesson.steps[1].trigger.group, "one");
  EXPECT_EQ(lesson.predictions.at(0).answer, 1u);
  EXPECT_EQ(lesson.checks.at(0).at_least, 2.0);
}

TEST(LessonParser, RefusesTextThatIsNotJson) {
  try {
    parse_lesson("{ \"format\": ", "broken.json");
    FAIL();
  } catch (const LessonFileError& error) {
    EXPECT_NE(std::string(error.what()).find("broken.json: at $: not valid JSON"), std::string::npos) << error.what();
  }
}

// Found by tests/fuzz/lesson_file_fuzz: nlohmann's out_of_range for a number past a double
// escaped as itself, so the message named neither the file nor the place.
TEST(LessonParser, ANumberTooLargeForADoubleIsRefusedNamingTheFile) {
  try {
    loopscope::scenarios::parse_lesson(R"({"id": 444444444444444440000e535})", "huge.json");
    FAIL() << "accepted";
  } catch (const LessonFileError& error) {
    EXPECT_NE(std::string(error.what()).find("huge.json"), std::string::npos) << error.what();
  }
}

TEST(LessonParser, RefusesAnotherFormatVersion) {
  auto lesson = valid_lesson();
  lesson["format"] = "loopscope-lesson/9";
  expect_refused(lesson, "$.format", "expected \"loopscope-lesson/1\"");
}

TEST(LessonParser, RefusesAMissingRequiredKey) {
  auto lesson = valid_lesson();
  lesson.erase("title");
  expect_refused(lesson, "$.title", "missing");
}

// Guards against typos silently changing a lesson.
TEST(LessonParser, RefusesUnknownKeysAtEveryLevel) {
  auto top = valid_lesson();
  top["titel"] = "typo";
  expect_refused(top, "$.titel", "unknown key");
  auto in_group = valid_lesson();
  in_group["clients"]["one"]["thinkms"] = 5;
  expect_refused(in_group, "$.clients.one.thinkms", "unknown key");
  auto in_action = valid_lesson();
  in_action["steps"][0]["actions"][0]["groups"] = "one";
  expect_refused(in_action, "$.steps[0].actions[0].groups", "unknown key");
}

TEST(LessonParser, RefusesWrongTypesAndRanges) {
  auto text_for_number = valid_lesson();
  text_for_number["clients"]["one"]["lines"] = "three";
  expect_refused(text_for_number, "$.clients.one.lines", "expected a whole number, found the text \"three\"");
  auto negative = valid_lesson();
  negative["server"]["high_water_bytes"] = -5;
  expect_refused(negative, "$.server.high_water_bytes", "expected a whole number from 1");
  auto low_above_high = valid_lesson();
  low_above_high["server"]["low_water_bytes"] = 5000;
  expect_refused(low_above_high, "$.server.low_water_bytes", "at most high_water_bytes");
}

TEST(LessonParser, RefusesUnknownNames) {
  auto handler = valid_lesson();
  handler["server"]["handler"] = "teleport";
  expect_refused(handler, "$.server.handler", "expected one of echo");
  auto behaviour = valid_lesson();
  behaviour["clients"]["one"]["behaviour"] = "sprinter";
  expect_refused(behaviour, "$.clients.one.behaviour", "expected one of fast");
  auto measure = valid_lesson();
  measure["checks"][0]["measure"] = "vibes";
  expect_refused(measure, "$.checks[0].measure", "expected one of state_share");
  auto warning = valid_lesson();
  warning["checks"][0] = {{"name", "named"}, {"measure", "warnings"}, {"warning", "slow_lunch"}, {"at_least", 1}};
  expect_refused(warning, "$.checks[0].warning", "expected one of slow_callback, no_await");
  auto warning_missing = valid_lesson();
  warning_missing["checks"][0] = {{"name", "named"}, {"measure", "warnings"}, {"at_least", 1}};
  expect_refused(warning_missing, "$.checks[0].warning", "missing");
  auto trigger = valid_lesson();
  trigger["steps"][1]["on"] = "sunrise";
  expect_refused(trigger, "$.steps[1].on", "expected first_drain_stall");
  auto action = valid_lesson();
  action["steps"][0]["actions"][0]["do"] = "dance";
  expect_refused(action, "$.steps[0].actions[0].do", "expected start, stop");
}

TEST(LessonParser, RefusesReferencesToGroupsThatDoNotExist) {
  auto start = valid_lesson();
  start["steps"][0]["actions"][0]["group"] = "ghosts";
  expect_refused(start, "$.steps[0].actions[0].group", "\"ghosts\"");
  auto check = valid_lesson();
  check["checks"][0]["group"] = "ghosts";
  expect_refused(check, "$.checks[0].group", "\"ghosts\"");
  auto end = valid_lesson();
  end["end"]["when_group_done"] = "ghosts";
  expect_refused(end, "$.end.when_group_done", "does not define");
}

TEST(LessonParser, RefusesIncoherentStepsPredictionsAndChecks) {
  auto both_triggers = valid_lesson();
  both_triggers["steps"][1]["at_s"] = 2;
  expect_refused(both_triggers, "$.steps[1]", "exactly one of");
  auto answer = valid_lesson();
  answer["predictions"][0]["answer"] = 2;
  expect_refused(answer, "$.predictions[0].answer", "from 0 to 1");
  auto one_choice = valid_lesson();
  one_choice["predictions"][0]["choices"] = {"only"};
  expect_refused(one_choice, "$.predictions[0].choices", "at least two");
  auto no_bound = valid_lesson();
  no_bound["checks"][0].erase("at_least");
  expect_refused(no_bound, "$.checks[0]", "\"at_least\", \"at_most\"");
  auto no_end = valid_lesson();
  no_end["end"] = nlohmann::json::object();
  expect_refused(no_end, "$.end", "\"after_s\" or \"when_group_done\"");
}

TEST(LessonParser, LoadingAMissingFileNamesIt) {
  try {
    loopscope::scenarios::load_lesson_file("/nonexistent/lesson.json");
    FAIL();
  } catch (const LessonFileError& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/lesson.json"), std::string::npos);
  }
}

// Guards presentation mode's panel list: known names are kept in order, others are refused.
TEST(LessonParser, ReadsThePanelsPresentationModeShows) {
  auto with_panels = valid_lesson();
  with_panels["panels"] = {"loop", "connections"};
  const auto lesson = parse_lesson(with_panels.dump(), "tiny.json");
  EXPECT_EQ(lesson.panels, (std::vector<std::string>{"loop", "connections"}));
  EXPECT_TRUE(parse_lesson(valid_lesson().dump(), "tiny.json").panels.empty()) << "panels are optional";
  auto unknown = valid_lesson();
  unknown["panels"] = {"loop", "weather"};
  expect_refused(unknown, "$.panels", "expected panel names among");
}

// Guards lesson breakpoints ("pause at the first drain stall"): read in order with their
// defaults, and a kind or count that makes no sense is refused at its path.
TEST(LessonParser, ReadsBreakpointsOnNamedEvents) {
  auto with_breakpoints = valid_lesson();
  with_breakpoints["breakpoints"] = nlohmann::json::parse(
      R"([ { "on": "drain_stall" }, { "on": "freeze", "occurrence": 2, "note": "Look at the loop lane." } ])");
  const auto lesson = parse_lesson(with_breakpoints.dump(), "tiny.json");
  ASSERT_EQ(lesson.breakpoints.size(), 2u);
  EXPECT_EQ(lesson.breakpoints[0].on, loopscope::model::StepKind::DrainStall);
  EXPECT_EQ(lesson.breakpoints[0].occurrence, 1) << "the first, unless told otherwise";
  EXPECT_EQ(lesson.breakpoints[1].on, loopscope::model::StepKind::Freeze);
  EXPECT_EQ(lesson.breakpoints[1].occurrence, 2);
  EXPECT_EQ(lesson.breakpoints[1].note, "Look at the loop lane.");
  EXPECT_TRUE(parse_lesson(valid_lesson().dump(), "tiny.json").breakpoints.empty()) << "breakpoints are optional";

  auto unknown_kind = valid_lesson();
  unknown_kind["breakpoints"] = nlohmann::json::parse(R"([ { "on": "drain stall" } ])");
  expect_refused(unknown_kind, "$.breakpoints[0].on", "expected \"suspension\", \"drain_stall\"");
  auto any_event = valid_lesson();
  any_event["breakpoints"] = nlohmann::json::parse(R"([ { "on": "any_event" } ])");
  expect_refused(any_event, "$.breakpoints[0].on", "expected");
  auto zeroth = valid_lesson();
  zeroth["breakpoints"] = nlohmann::json::parse(R"([ { "on": "freeze", "occurrence": 0 } ])");
  expect_refused(zeroth, "$.breakpoints[0].occurrence", "");
  auto extra_key = valid_lesson();
  extra_key["breakpoints"] = nlohmann::json::parse(R"([ { "on": "freeze", "when": 1 } ])");
  expect_refused(extra_key, "$.breakpoints[0].when", "");
}

// A prediction is asked before one step and may be answered by a later one, and says which trace
// events are its answer; a reveal before the question, or an event name that does not exist, is
// refused where it was written.
TEST(LessonParser, ReadsWhenAPredictionIsRevealedAndWhatItIsAbout) {
  auto lesson_json = valid_lesson();
  lesson_json["predictions"][0]["before_step"] = 0;
  lesson_json["predictions"][0]["reveal_step"] = 1;
  lesson_json["predictions"][0]["about"] = {"freeze_begin", "drain_stall_begin"};
  const auto lesson = parse_lesson(lesson_json.dump(), "lessons/tiny.json");
  ASSERT_EQ(lesson.predictions.size(), 1u);
  EXPECT_EQ(lesson.predictions[0].before_step, 0u);
  EXPECT_EQ(lesson.predictions[0].reveal_step, 1u);
  ASSERT_EQ(lesson.predictions[0].about.size(), 2u);
  EXPECT_EQ(lesson.predictions[0].about[0], loopscope::trace::EventKind::FreezeBegin);

  const auto by_default = parse_lesson(valid_lesson().dump(), "lessons/tiny.json");
  EXPECT_EQ(by_default.predictions[0].reveal_step, by_default.predictions[0].before_step);

  auto early_reveal = valid_lesson();
  early_reveal["predictions"][0]["reveal_step"] = 0;  // before_step is 1
  expect_refused(early_reveal, "$.predictions[0].reveal_step", "from 1 to 1");
  auto unknown_event = valid_lesson();
  unknown_event["predictions"][0]["about"] = {"freeze"};
  expect_refused(unknown_event, "$.predictions[0].about", "found \"freeze\"");
}

// Threads against the loop: the server's model, a step that switches it, the gauge checks, and
// the rule that a lesson about Loopscope's own models says it cannot run on asyncio.
TEST(LessonParser, ReadsServerModelsTheirSwitchesAndGaugeChecks) {
  auto lesson = valid_lesson();
  lesson["servers"] = {"loopscope"};
  lesson["server"]["model"] = "pool";
  lesson["server"]["pool_threads"] = 7;
  lesson["steps"][1]["actions"] = {{{"do", "set_model"}, {"model", "threads"}}};
  lesson["steps"].push_back({{"after_s", 0.5}, {"say", "Later."}});
  lesson["checks"].push_back({{"name", "per client"}, {"measure", "gauge_per_client"}, {"gauge", "resident_bytes"},
                              {"group", "one"}, {"at_most", 1e6}});
  lesson["checks"].push_back({{"name", "resident per reserved"}, {"measure", "gauge_ratio"}, {"gauge", "resident_bytes"},
                              {"versus_gauge", "reserved_bytes"}, {"group", "one"}, {"at_most", 0.5}});
  lesson["checks"].push_back({{"name", "waited"}, {"measure", "tasks_in_state_share"}, {"state", "awaiting_worker"},
                              {"group", "one"}, {"at_least", 0}});
  const auto parsed = parse_lesson(lesson.dump(), "tiny.json");
  EXPECT_FALSE(parsed.runs_on_asyncio);
  EXPECT_EQ(parsed.server.model, loopscope::scenarios::ServerModel::Pool);
  EXPECT_EQ(parsed.server.pool_threads, 7u);
  ASSERT_EQ(parsed.steps[1].actions.size(), 1u);
  EXPECT_EQ(parsed.steps[1].actions[0].kind, loopscope::scenarios::LessonAction::Kind::SetModel);
  EXPECT_EQ(parsed.steps[1].actions[0].model, loopscope::scenarios::ServerModel::Threads);
  EXPECT_EQ(parsed.steps[2].trigger.kind, loopscope::scenarios::StepTrigger::Kind::AfterPrevious);
  EXPECT_EQ(parsed.checks[2].versus_gauge, "reserved_bytes");
  EXPECT_EQ(parsed.checks[2].versus_group, "one");
}

TEST(LessonParser, RefusesModelMistakesNamingWhatIsExpected) {
  auto wrong_model = valid_lesson();
  wrong_model["server"]["model"] = "fibers";
  expect_refused(wrong_model, "$.server.model", "expected loop, threads or pool");

  auto threads_on_asyncio = valid_lesson();
  threads_on_asyncio["server"]["model"] = "threads";
  expect_refused(threads_on_asyncio, "$.servers", "cannot run on asyncio");

  auto switch_on_asyncio = valid_lesson();
  switch_on_asyncio["steps"][1]["actions"] = {{{"do", "set_model"}, {"model", "pool"}}};
  expect_refused(switch_on_asyncio, "$.servers", "switches server models");

  auto handler_threads_lack = valid_lesson();
  handler_threads_lack["servers"] = {"loopscope"};
  handler_threads_lack["server"]["model"] = "threads";
  handler_threads_lack["server"]["handler"] = "chat_fair";
  expect_refused(handler_threads_lack, "$.server.handler", "serves echo, upper, blocking_sleep, cpu_parse");

  auto unknown_gauge = valid_lesson();
  unknown_gauge["checks"].push_back(
      {{"name", "x"}, {"measure", "gauge_per_client"}, {"gauge", "heap"}, {"group", "one"}, {"at_least", 0}});
  expect_refused(unknown_gauge, "$.checks[1].gauge", "expected threads, resident_bytes");

  auto two_triggers = valid_lesson();
  two_triggers["steps"][1]["after_s"] = 1;
  expect_refused(two_triggers, "$.steps[1]", "expected exactly one of");
}
