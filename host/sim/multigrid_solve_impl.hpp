// multigrid_solve over an execution space, included by the engine's translation units.
#pragma once
#include "multigrid_solve.hpp"

namespace lobule {

/// A host problem's arrays on the device of Exec, and the finest level's spec over them.
template <class T, class Exec>
struct MgDeviceProblem {
  using Array = typename Exec::template Array<T>;
  typename Exec::template Array<std::uint8_t> label;
  Array D, loss;
  MgFineSpec<T> spec;

  explicit MgDeviceProblem(const MgHostProblem<T>& p)
      : label(p.box.padded()), D(p.box.padded()), loss(p.loss.empty() ? 0 : p.box.padded()) {
    label.upload(p.label.data());
    D.upload(p.D.data());
    BoundarySet<T> bc;  // the D halo by the face kinds, as the engine fills it
    for (int f = 0; f < kFaces; ++f) bc.kind[f] = p.kind[f];
    Exec::fill_halo(p.box, bc, HaloOf::Diffusivity, D.data());
    if (!p.loss.empty()) loss.upload(p.loss.data());
    spec.box = p.box;
    spec.label = label.data();
    spec.held = p.held;
    spec.D = D.data();
    spec.ih2 = p.ih2;
    spec.a = p.a;
    // The operator reads the loss alone; with_rates picks the arrays when p is set.
    spec.rates.l = p.loss.empty() ? nullptr : loss.data();
    spec.rates.p = spec.rates.l;
    spec.rates.l0 = p.loss0;
    for (int f = 0; f < kFaces; ++f) spec.kind[f] = p.kind[f];
  }
};

template <class T, class Exec>
SolveStats multigrid_solve_on(const MgHostProblem<T>& p, const std::vector<T>& b, std::vector<T>& x,
                              const MultigridSettings& s, std::vector<double>* history) {
  using Array = typename Exec::template Array<T>;
  const MgDeviceProblem<T, Exec> dev(p);
  Array xd(p.box.padded()), rd(p.box.padded());
  rd.upload(b.data());
  Multigrid<T, Exec> mg(s);
  mg.build(dev.spec);
  const SolveStats st = mg.solve(xd.data(), rd.data(), 0.0, "multigrid_solve", history);
  x.resize(p.box.padded());
  xd.download(x.data());
  return st;
}

}  // namespace lobule
