// Scrape: counters and histograms grouped by family, then the process and the collectors.
#include "metrics/scrape.h"

#include <map>

#include "common/counters.h"
#include "metrics/process_metrics.h"

namespace warren::metrics {

void Scrape::add(Collector collector) {
  collectors_.push_back(std::move(collector));
}

void Scrape::add_async(AsyncCollector collector) {
  async_collectors_.push_back(std::move(collector));
}

boost::asio::awaitable<std::string> Scrape::render_async() const {
  std::string text = render();
  Exposition out(text);
  for (const AsyncCollector& collect : async_collectors_) co_await collect(out);
  co_return text;
}

std::string Scrape::render() const {
  std::string text;
  text.reserve(64 * 1024);
  Exposition out(text);
  // Families in the order their first member registered; members in registration order.
  std::vector<std::string_view> order;
  std::map<std::string_view, std::vector<const Counter*>> counters;
  for (const Counter* c : Counter::all()) {
    auto [it, fresh] = counters.try_emplace(c->name());
    if (fresh) order.push_back(c->name());
    it->second.push_back(c);
  }
  for (std::string_view name : order) {
    const auto& members = counters[name];
    // Counters made per route and the like appear once they count something.
    std::vector<std::pair<const Counter*, std::uint64_t>> shown;
    for (const Counter* c : members) {
      const std::uint64_t total = c->total();
      if (total != 0 || !c->made()) shown.emplace_back(c, total);
    }
    if (shown.empty()) continue;
    out.family(name, Exposition::Type::counter, members.front()->help());
    for (const auto& [c, total] : shown) out.sample(name, c->labels(), total);
  }
  order.clear();
  std::map<std::string_view, std::vector<const Histogram*>> histograms;
  for (const Histogram* h : Histogram::all()) {
    auto [it, fresh] = histograms.try_emplace(h->name());
    if (fresh) order.push_back(h->name());
    it->second.push_back(h);
  }
  for (std::string_view name : order) {
    // As counters: a histogram appears once it has an observation.
    std::vector<std::pair<const Histogram*, Histogram::Totals>> shown;
    for (const Histogram* h : histograms[name]) {
      Histogram::Totals t = h->totals();
      if (t.count != 0) shown.emplace_back(h, std::move(t));
    }
    if (shown.empty()) continue;
    out.family(name, Exposition::Type::histogram, shown.front().first->help());
    for (const auto& [h, t] : shown) {
      out.histogram(name, h->labels(), h->bounds(), t.cumulative, t.sum_seconds, t.count);
    }
  }
  write_process_metrics(out);
  for (const Collector& collect : collectors_) collect(out);
  return text;
}

}  // namespace warren::metrics
