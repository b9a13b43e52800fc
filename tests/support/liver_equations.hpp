/// The liver fibrosis model's equations as MODEL.md writes them, evaluated independently of
/// kernels/ (no production–loss split, no shared helpers): the reference the tests compare the
/// per-voxel rates functor and the well-mixed runs against.
#pragma once
#include <algorithm>
#include <array>
#include <cmath>

#include "kernels/models/liver_fibrosis_params.hpp"

namespace lobule::test {

using LiverState = std::array<double, kLiverFields>;

/// The blood level of diffusing field q at time t: c_blood, and for ev every EV dose's blood
/// curve from its time on, written from the two-compartment model's definitions
/// (docs/therapy.md): c0·(f_α·e^{−s/τ_α} + (1 − f_α)·e^{−s/τ}) with c0 = (1 − E)·dose/V_b, plus
/// for a portal dose its first pass dose/(Q·t_inj)·e^{−s/t_inj}, E = f_liver_ev·k10·V_b/Q (at
/// most 1), k10 = α·β/(f_α·β + (1 − f_α)·α); s = t − at, 1 mL = 10¹² µm³, ev in 10⁹/mL.
inline double liver_blood(const LiverParams& p, int q, double t) {
  double c = p.c_blood[q];
  if (q != kEv) return c;
  const double a = 1 / p.tau_ev_alpha, b = 1 / p.tau_ev, fa = p.f_ev_alpha;
  const double k10 = a * b / (fa * b + (1 - fa) * a);
  const double E = std::min(1.0, p.f_liver_ev * k10 * p.V_portal / p.Q_liver);
  for (int k = 0; k < p.doses; ++k) {
    const TherapyDose& d = p.dose[k];
    if (d.agent != TherapyAgent::Ev || t < d.at) continue;
    const double s = t - d.at;
    const bool portal = d.route == TherapyRoute::PortalVein;
    const double per_mL = 1e12 / 1e9;  // particles per µm³ → 10⁹ particles per mL
    const double c0 = (portal ? 1 - E : 1.0) * d.amount / p.V_portal * per_mL;
    c += c0 * (fa * std::exp(-s * a) + (1 - fa) * std::exp(-s * b));
    if (portal) c += d.amount / (p.Q_liver * p.t_inj) * per_mL * std::exp(-s / p.t_inj);
  }
  return c;
}

/// du/dt of every field at one voxel without diffusion [field unit/s]: label (geometry label),
/// zone (0..1), time t [s].
inline LiverState liver_rhs(const LiverParams& p, const LiverState& u, int label, double zone,
                            double t) {
  LiverState d{};
  auto h = [](double x, double K) { return x / (K + x); };
  double lambda[kLiverDiffusing];
  for (int q = 0; q < kLiverDiffusing; ++q) lambda[q] = std::log(2.0) / p.half_life[q];
  for (int q = 0; q < kLiverDiffusing; ++q) d[q] = -lambda[q] * u[q];
  const bool cells = label == 0 || label == 1 || label == 6 || label == 7;
  if (!cells) return d;
  double I = 0;  // I(x, t) = k_inj·on(t)·w(zone)
  for (int k = 0; k < p.injury_periods; ++k) {
    const InjuryPeriod& q = p.injury[k];
    if (t < q.from || t >= q.to) continue;
    const double w = q.pattern == InjuryPattern::Pericentral  ? std::pow(zone, 3)
                     : q.pattern == InjuryPattern::Periportal ? std::pow(1 - zone, 3)
                                                              : 1.0;
    I += q.rate * w;
  }
  const double tgfb = u[kTgfb], tnfa = u[kTnfa], il10 = u[kIl10], hgf = u[kHgf];
  const double vegf = u[kVegf], egf = u[kEgf], mmp = u[kMmp], timp = u[kTimp], ev = u[kEv];
  const double hep = u[kHep], hsc = u[kHsc], mac1 = u[kMac1], mac2 = u[kMac2], msc = u[kMsc];
  const double cargo = u[kEvCargo], col = u[kCollagen], colx = u[kCollagenX];
  const double C = col + colx;
  const double Phi = p.phi0 + p.a_il10 * h(il10, p.K_il10) + p.a_msc * h(msc, p.K_msc) +
                     p.a_cargo * h(cargo, p.K_cargo);
  // Hepatocyte loss against the capacity the scar leaves (docs/liver_model.md), not 1 − hep.
  const double loss = std::max(0.0, std::max(0.0, 1 - C / p.C_block) - hep);
  d[kHep] = p.r_hep * (h(hgf, p.K_hgf) + p.a_egf * h(egf, p.K_egf)) * hep *
                std::max(0.0, 1 - hep - C / p.C_block) -
            (I + p.k_tnf * h(tnfa, p.K_tnf)) * hep * (1 - p.p_cargo * h(cargo, p.K_cargo));
  d[kHsc] =
      p.a_hsc * h(tgfb, p.K_tgfb) * (1 + p.a_dmg * loss) * (1 - hsc) / (1 + hgf / p.K_hgf_inh) -
      (p.d_hsc + p.d_hgf * h(hgf, p.K_hgf) + p.d_cargo * h(cargo, p.K_cargo) +
       p.d_il10 * h(il10, p.K_il10)) *
          hsc;
  // I enters beside the dimensionless (1 − hep) in units of 1/d.
  d[kMac1] =
      p.r_mac * (I * kDay + loss) + p.r_mac0 - p.k12 * Phi * mac1 + p.k21 * mac2 - p.d_mac * mac1;
  d[kMac2] = p.k12 * Phi * mac1 - p.k21 * mac2 - p.d_mac * mac2;
  d[kMsc] = -p.d_msc * msc;
  d[kEvCargo] = p.q_ev * p.k_up * (hep + hsc + mac1 + mac2) * ev - p.lambda_cargo * cargo;
  d[kCollagen] = p.p_col * hsc * (1 + p.a_col * h(tgfb, p.K_tgfb)) +
                 (label == 6 ? p.p_tract : 0.0) - p.k_deg * h(mmp, p.K_mmp) * col - p.k_x * col;
  d[kCollagenX] = p.k_x * col - p.k_deg_x * h(mmp, p.K_mmp) * colx;
  d[kTgfb] += p.s_tgfb_m1 * mac1 + p.s_tgfb_hsc * hsc + p.s_tgfb_inj * I * hep;
  d[kTnfa] += p.s_tnf_m1 * mac1;
  d[kIl10] += p.s_il10_msc * msc + p.s_il10_m2 * mac2;
  d[kHgf] += p.s_hgf_msc * msc + (label == 1 ? p.s_hgf_lsec * h(vegf, p.K_vegf) : 0.0) +
             p.s_hgf_hsc * hsc - p.u_hgf * hep * h(hgf, p.K_hgf);
  d[kVegf] += p.s_vegf_msc * msc + p.s_vegf_dmg * loss;
  d[kEgf] += p.s_egf_msc * msc - p.u_egf * hep * h(egf, p.K_egf);
  d[kMmp] += p.s_mmp_msc * msc + p.s_mmp_m2 * mac2 + p.s_mmp_hsc * hsc - p.k_mt * mmp * timp;
  d[kTimp] += p.s_timp_hsc * hsc + p.s_timp_m1 * mac1 - p.k_mt * mmp * timp;
  d[kEv] += p.s_ev_msc * msc - p.k_up * (hep + hsc + mac1 + mac2) * ev;
  if (label == 1)  // sinusoids exchange with blood, hindered by scar like diffusion
    for (int q = 0; q < kLiverDiffusing; ++q)
      d[q] +=
          (q == kEv ? p.k_ex_ev : p.k_ex) / (1 + C / p.C_half[q]) * (liver_blood(p, q, t) - u[q]);
  return d;
}

}  // namespace lobule::test
