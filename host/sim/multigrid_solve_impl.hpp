// multigrid_solve over an execution space, included by the engine's translation units.
#pragma once
#include "multigrid_solve.hpp"

namespace lobule {

template <class T, class Exec>
SolveStats multigrid_solve_on(const MgHostProblem<T>& p, const std::vector<T>& b,
                              std::vector<T>& x, const MultigridSettings& s,
                              std::vector<double>* history) {
  using Array = typename Exec::template Array<T>;
  const std::size_t n = p.box.padded();
  typename Exec::template Array<std::uint8_t> label(n);
  label.upload(p.label.data());
  Array D(n), loss(p.loss.empty() ? 0 : n), xd(n), rd(n);
  D.upload(p.D.data());
  if (!p.loss.empty()) loss.upload(p.loss.data());
  rd.upload(b.data());
  MgFineSpec<T> spec;
  spec.box = p.box;
  spec.label = label.data();
  spec.held = p.held;
  spec.D = D.data();
  spec.ih2 = p.ih2;
  spec.a = p.a;
  spec.rates.l = p.loss.empty() ? nullptr : loss.data();
  spec.rates.p = spec.rates.l;  // with_rates picks the arrays when p is set
  spec.rates.l0 = p.loss0;
  for (int f = 0; f < kFaces; ++f) spec.kind[f] = p.kind[f];
  Multigrid<T, Exec> mg(s);
  mg.build(spec);
  const SolveStats st = mg.solve(xd.data(), rd.data(), 0.0, "multigrid_solve", history);
  x.resize(n);
  xd.download(x.data());
  return st;
}

}  // namespace lobule
