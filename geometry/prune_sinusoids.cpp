#include "prune_sinusoids.hpp"

#include <vector>

namespace lobule {
namespace {

// Temporary marks in the label array (not output labels).
constexpr std::uint8_t kReachedA = 8, kReachedB = 9, kReachedBoth = 10;

bool portal_end(std::uint8_t l) {
  return l == kPortalVein || l == kHepaticArtery || l == kBileDuct || l == kPortalTract ||
         l == kSeptum;
}
bool central_end(std::uint8_t l) {
  return l == kCentralVein || l == kSeptum;
}

class Pruner {
 public:
  Pruner(Geometry& g, bool periodic_z, bool open_xy)
      : g_(g), b_(g.box), periodic_(periodic_z && g.box.nz > 2), open_(open_xy) {}

  // Marks every sinusoid voxel reachable from an end that satisfies `end`: unmarked voxels
  // (label `from`) become `to`, voxels already marked `from2` become `to2`.
  template <class End>
  void reach(End end, std::uint8_t from, std::uint8_t to, std::uint8_t from2, std::uint8_t to2);

  std::size_t finish();

 private:
  template <class F>
  void for_neighbours(std::size_t v, F f) const {
    const std::size_t nx = std::size_t(b_.nx), plane = nx * std::size_t(b_.ny);
    const int i = int(v % nx), j = int(v / nx % std::size_t(b_.ny)), k = int(v / plane);
    if (i > 0) f(v - 1);
    if (i + 1 < b_.nx) f(v + 1);
    if (j > 0) f(v - nx);
    if (j + 1 < b_.ny) f(v + nx);
    if (k > 0)
      f(v - plane);
    else if (periodic_)
      f(v + plane * std::size_t(b_.nz - 1));
    if (k + 1 < b_.nz)
      f(v + plane);
    else if (periodic_)
      f(v - plane * std::size_t(b_.nz - 1));
  }
  bool on_xy_face(std::size_t v) const {
    const std::size_t nx = std::size_t(b_.nx);
    const int i = int(v % nx), j = int(v / nx % std::size_t(b_.ny));
    return i == 0 || j == 0 || i + 1 == b_.nx || j + 1 == b_.ny;
  }

  Geometry& g_;
  const Box& b_;
  bool periodic_, open_;
};

template <class End>
void Pruner::reach(End end, std::uint8_t from, std::uint8_t to, std::uint8_t from2,
                   std::uint8_t to2) {
  std::vector<std::uint8_t>& lab = g_.label;
  auto open = [&](std::uint8_t l) { return l == from || l == from2; };
  auto mark = [&](std::size_t v) { lab[v] = lab[v] == from ? to : to2; };
  // Seeds: open voxels next to an end (found in parallel, marked afterwards).
  std::vector<std::size_t> frontier;
#pragma omp parallel
  {
    std::vector<std::size_t> mine;
#pragma omp for schedule(static) nowait
    for (std::size_t v = 0; v < lab.size(); ++v) {
      if (!open(lab[v])) continue;
      bool seed = open_ && on_xy_face(v);
      for_neighbours(v, [&](std::size_t w) { seed = seed || end(lab[w]); });
      if (seed) mine.push_back(v);
    }
#pragma omp critical
    frontier.insert(frontier.end(), mine.begin(), mine.end());
  }
  for (std::size_t v : frontier) mark(v);
  // Breadth-first, one frontier at a time.
  std::vector<std::size_t> next;
  while (!frontier.empty()) {
    next.clear();
    for (std::size_t v : frontier)
      for_neighbours(v, [&](std::size_t w) {
        if (open(lab[w])) mark(w), next.push_back(w);
      });
    frontier.swap(next);
  }
}

std::size_t Pruner::finish() {
  std::size_t removed = 0;
  std::vector<std::uint8_t>& lab = g_.label;
#pragma omp parallel for schedule(static) reduction(+ : removed)
  for (std::size_t v = 0; v < lab.size(); ++v) {
    const std::uint8_t l = lab[v];
    if (l == kReachedBoth) lab[v] = kSinusoid;
    if (l == kSinusoid || l == kReachedA || l == kReachedB) lab[v] = kParenchyma, ++removed;
  }
  return removed;
}

}  // namespace

std::size_t prune_sinusoid_slivers(Geometry& g, bool periodic_z, bool open_xy) {
  Pruner p(g, periodic_z, open_xy);
  p.reach(portal_end, kSinusoid, kReachedA, kSinusoid, kReachedA);
  p.reach(central_end, kSinusoid, kReachedB, kReachedA, kReachedBoth);
  return p.finish();
}

}  // namespace lobule
