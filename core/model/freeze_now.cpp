#include "freeze_now.hpp"

#include <algorithm>

namespace loopscope::model {

FreezeNow open_freeze_at(const TraceModel& model, const trace::TraceLog& log, std::uint64_t now_ns) {
  FreezeNow now;
  const std::vector<Freeze>& freezes = model.loop().freezes;
  if (freezes.empty() || freezes.back().end_ns != kOpenEnd) return now;
  const Freeze& open = freezes.back();
  now.frozen = true;
  now.frozen_for_ns = now_ns - std::min(now_ns, open.begin_ns);
  now.task = open.task;
  now.site = log.site_text(open.site);
  if (now.site.empty()) now.site = "an unknown place";
  if (const trace::SiteInfo* site = log.site(open.site)) now.function = site->function;
  return now;
}

}  // namespace loopscope::model
