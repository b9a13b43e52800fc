/// The liver fibrosis model's reactions (MODEL.md; docs/liver_model.md): cells, cytokines, EVs
/// and collagen scar of one voxel in production–loss form, du/dt = P − L·u, shared by the CPU
/// and CUDA backends. h(x, K) = x/(K + x); C = collagen + collagen_x; I = injury rate [1/s].
#pragma once
#include "kernels/reaction.hpp"
#include "liver_fibrosis_params.hpp"

namespace lobule {

template <class T>
struct LiverRates {
  static constexpr int kMaxFields = kLiverFields;

#define LOBULE_LIVER_T_MEMBER(sym, dim, value, meaning) T sym;
  LOBULE_LIVER_PARAMETERS(LOBULE_LIVER_T_MEMBER)
#undef LOBULE_LIVER_T_MEMBER
  T lambda[kLiverDiffusing];  ///< ln 2 / half-life [1/s]
  T c_blood[kLiverDiffusing];
  T inv_c_half[kLiverDiffusing];  ///< 1/C_half: scar hinders exchange with blood as it does D
  T inj_rate[kMaxInjuryPeriods], inj_from[kMaxInjuryPeriods], inj_to[kMaxInjuryPeriods];
  int inj_pattern[kMaxInjuryPeriods];
  int injury_periods;
  T ev_t0[kMaxDoses], ev_c0[kMaxDoses];  ///< EV doses: time [s], peak blood level [10⁹/mL]
  int ev_pulses;

  explicit LiverRates(const LiverParams& p) {
#define LOBULE_LIVER_T_INIT(sym, dim, value, meaning) sym = T(p.sym);
    LOBULE_LIVER_PARAMETERS(LOBULE_LIVER_T_INIT)
#undef LOBULE_LIVER_T_INIT
    for (int q = 0; q < kLiverDiffusing; ++q) {
      lambda[q] = T(0.69314718055994531 / p.half_life[q]);
      c_blood[q] = T(p.c_blood[q]);
      inv_c_half[q] = T(1 / p.C_half[q]);
    }
    injury_periods = p.injury_periods;
    for (int k = 0; k < kMaxInjuryPeriods; ++k) {
      inj_rate[k] = T(p.injury[k].rate);
      inj_from[k] = T(p.injury[k].from);
      inj_to[k] = T(p.injury[k].to);
      inj_pattern[k] = int(p.injury[k].pattern);
    }
    ev_pulses = 0;
    for (int k = 0; k < kMaxDoses; ++k) ev_t0[k] = ev_c0[k] = T(0);
    for (int k = 0; k < p.doses; ++k)
      if (p.dose[k].agent == TherapyAgent::Ev) {
        ev_t0[ev_pulses] = T(p.dose[k].at);
        ev_c0[ev_pulses++] = T(ev_peak(p, p.dose[k]));
      }
  }

  /// The particles of EV dose d that reach the liver's blood: all of a portal-vein dose,
  /// f_liver_ev of a peripheral one.
  static double ev_reaching_liver(const LiverParams& p, const TherapyDose& d) {
    return (d.route == TherapyRoute::PeripheralIv ? p.f_liver_ev : 1.0) * d.amount;
  }

  /// The blood level an EV dose starts [10⁹ particles/mL]: the particles reaching the liver over
  /// V_portal [µm³] (1 mL = 10¹² µm³): c0 = f·dose·10³/V_portal.
  static double ev_peak(const LiverParams& p, const TherapyDose& d) {
    return ev_reaching_liver(p, d) * 1e3 / p.V_portal;
  }

  /// c_blood,ev(t) = Σ_doses c0·e^{−(t − t0)/τ_ev} for t ≥ t0 [10⁹ particles/mL]: each EV dose
  /// mixes into the blood and is cleared with time constant τ_ev (MODEL.md, therapy).
  RD_HOST_DEVICE T ev_blood(T t) const {
    T c = T(0);
    for (int k = 0; k < ev_pulses; ++k)
      if (t >= ev_t0[k]) c += ev_c0[k] * rd_exp(-(t - ev_t0[k]) / tau_ev);
    return c;
  }

  /// The blood level of diffusing field q at time t: its constant c_blood, plus the EV doses.
  RD_HOST_DEVICE T blood(int q, T t) const {
    return q == kEv ? c_blood[q] + ev_blood(t) : c_blood[q];
  }

  /// h(x, K) = x/(K + x) for x ≥ 0, K > 0.
  RD_HOST_DEVICE static T hill(T x, T K) {
    return x / (K + x);
  }

  /// I(x, t) = Σ_periods k_inj·[from ≤ t < to]·w(zone) [1/s]; w = zone³ (pericentral),
  /// (1 − zone)³ (periportal) or 1 (uniform).
  RD_HOST_DEVICE T injury(T t, T zone) const {
    T I = T(0);
    for (int k = 0; k < injury_periods; ++k) {
      if (!(t >= inj_from[k] && t < inj_to[k])) continue;
      const T y = inj_pattern[k] == int(InjuryPattern::Periportal) ? T(1) - zone : zone;
      I += inj_rate[k] * (inj_pattern[k] == int(InjuryPattern::Uniform) ? T(1) : y * y * y);
    }
    return I;
  }

  /// Cells live in parenchyma, sinusoids, portal tracts and septa; vessel lumina and bile ducts
  /// carry only the diffusing fields, which decay there.
  RD_HOST_DEVICE static bool has_cells(std::uint8_t label) {
    return label == 0 || label == 1 || label == 6 || label == 7;
  }

  RD_HOST_DEVICE void rates(T t, const VoxelRef& v, int n, const T* u, T* P, T* L) const {
    for (int q = 0; q < n; ++q) P[q] = L[q] = T(0);
    if (n < kLiverFields) return;
    for (int q = 0; q < kLiverDiffusing; ++q) L[q] = lambda[q];  // − λ·c (every diffusing field)
    if (!has_cells(v.label)) return;

    const T tgfb = u[kTgfb], tnfa = u[kTnfa], il10 = u[kIl10], hgf = u[kHgf], vegf = u[kVegf];
    const T egf = u[kEgf], mmp = u[kMmp], timp = u[kTimp], ev = u[kEv];
    const T hep = u[kHep], hsc = u[kHsc], mac1 = u[kMac1], mac2 = u[kMac2], msc = u[kMsc];
    const T cargo = u[kEvCargo], col = u[kCollagen], colx = u[kCollagenX];
    const T C = col + colx > T(0) ? col + colx : T(0);
    const T I = injury(t, T(v.zone));  // [1/s]
    const T I_per_day = I * T(kDay);   // I in units of 1/d where it adds to (1 − hep)
    // Hepatocyte loss: the deficit against the voxel's capacity, (1 − C/C_block − hep)⁺, where
    // MODEL.md writes (1 − hep) (docs/liver_model.md: hepatocytes that scar leaves no room for
    // are not an injury signal; with 1 − hep, portal tracts and septa would keep activating
    // HSCs and recruiting macrophages in the healthy liver).
    const T cap = T(1) - C / C_block;
    const T loss = hep < cap ? cap - hep : T(0);
    const T h_hgf = hill(hgf, K_hgf), h_cargo = hill(cargo, K_cargo), h_il10 = hill(il10, K_il10);
    const T h_tgfb = hill(tgfb, K_tgfb), h_mmp = hill(mmp, K_mmp);
    const T cells = hep + hsc + mac1 + mac2;

    // hep' = r_hep·[h(hgf) + a_egf·h(egf)]·hep·max(0, 1 − hep − C/C_block)
    //        − [I + k_tnf·h(tnfa)]·hep·[1 − p_cargo·h(cargo)]
    // (growth g·hep·(cap − hep) = g·cap·hep − (g·hep)·hep while hep < cap = 1 − C/C_block)
    const T growth = r_hep * (h_hgf + a_egf * hill(egf, K_egf));
    if (hep < cap) P[kHep] = growth * cap * hep, L[kHep] = growth * hep;
    L[kHep] += (I + k_tnf * hill(tnfa, K_tnf)) * (T(1) - p_cargo * h_cargo);

    // hsc' = a_hsc·h(tgfb)·[1 + a_dmg·loss]·(1 − hsc)/(1 + hgf/K_hgf_inh)
    //        − [d_hsc + d_hgf·h(hgf) + d_cargo·h(cargo) + d_il10·h(il10)]·hsc
    const T act = a_hsc * h_tgfb * (T(1) + a_dmg * loss) / (T(1) + hgf / K_hgf_inh);
    P[kHsc] = act;
    L[kHsc] = act + d_hsc + d_hgf * h_hgf + d_cargo * h_cargo + d_il10 * h_il10;

    // Φ = φ0 + a_il10·h(il10) + a_msc·h(msc) + a_cargo·h(cargo)   (drive to M2)
    const T phi = phi0 + a_il10 * h_il10 + a_msc * hill(msc, K_msc) + a_cargo * h_cargo;
    // mac1' = r_mac·[I + loss] + r_mac0 − k12·Φ·mac1 + k21·mac2 − d_mac·mac1
    P[kMac1] = r_mac * (I_per_day + loss) + r_mac0 + k21 * mac2;
    L[kMac1] = k12 * phi + d_mac;
    // mac2' = k12·Φ·mac1 − k21·mac2 − d_mac·mac2
    P[kMac2] = k12 * phi * mac1;
    L[kMac2] = k21 + d_mac;
    // msc' = −d_msc·msc   (doses are placed by the therapy schedule)
    L[kMsc] = d_msc;
    // ev_cargo' = q_ev·k_up·(hep + hsc + mac1 + mac2)·ev − λ_cargo·ev_cargo
    P[kEvCargo] = q_ev * k_up * cells * ev;
    L[kEvCargo] = lambda_cargo;
    // collagen' = p_col·hsc·[1 + a_col·h(tgfb)] + p_tract·[portal tract]
    //             − k_deg·h(mmp)·collagen − k_x·collagen
    P[kCollagen] = p_col * hsc * (T(1) + a_col * h_tgfb) + (v.label == 6 ? p_tract : T(0));
    L[kCollagen] = k_deg * h_mmp + k_x;
    // collagen_x' = k_x·collagen − k_deg_x·h(mmp)·collagen_x
    P[kCollagenX] = k_x * col;
    L[kCollagenX] = k_deg_x * h_mmp;

    // tgfb' = … + s_tgfb_m1·mac1 + s_tgfb_hsc·hsc + s_tgfb_inj·I·hep − λ·tgfb
    P[kTgfb] = s_tgfb_m1 * mac1 + s_tgfb_hsc * hsc + s_tgfb_inj * I * hep;
    // tnfa' = … + s_tnf_m1·mac1 − λ·tnfa
    P[kTnfa] = s_tnf_m1 * mac1;
    // il10' = … + s_il10_msc·msc + s_il10_m2·mac2 − λ·il10
    P[kIl10] = s_il10_msc * msc + s_il10_m2 * mac2;
    // hgf' = … + s_hgf_msc·msc + s_hgf_lsec·h(vegf)·[sinusoid] + s_hgf_hsc·hsc − λ·hgf
    //        − u_hgf·hep·h(hgf)
    P[kHgf] =
        s_hgf_msc * msc + (v.label == 1 ? s_hgf_lsec * hill(vegf, K_vegf) : T(0)) + s_hgf_hsc * hsc;
    L[kHgf] += u_hgf * hep / (K_hgf + hgf);
    // vegf' = … + s_vegf_msc·msc + s_vegf_dmg·loss − λ·vegf
    P[kVegf] = s_vegf_msc * msc + s_vegf_dmg * loss;
    // egf' = … + s_egf_msc·msc − λ·egf − u_egf·hep·h(egf)
    P[kEgf] = s_egf_msc * msc;
    L[kEgf] += u_egf * hep / (K_egf + egf);
    // mmp' = … + s_mmp_msc·msc + s_mmp_m2·mac2 + s_mmp_hsc·hsc − λ·mmp − k_mt·mmp·timp
    P[kMmp] = s_mmp_msc * msc + s_mmp_m2 * mac2 + s_mmp_hsc * hsc;
    L[kMmp] += k_mt * timp;
    // timp' = … + s_timp_hsc·hsc + s_timp_m1·mac1 − λ·timp − k_mt·mmp·timp
    P[kTimp] = s_timp_hsc * hsc + s_timp_m1 * mac1;
    L[kTimp] += k_mt * mmp;
    // ev' = … + s_ev_msc·msc − λ·ev − k_up·(hep + hsc + mac1 + mac2)·ev
    P[kEv] = s_ev_msc * msc;
    L[kEv] += k_up * cells;

    // Sinusoids exchange with blood, hindered by scar as diffusion is (capillarized sinusoids in
    // septa lose their fenestrae; docs/liver_model.md): c' += k_ex/(1 + C/C_half)·(c_blood(t) − c),
    // with k_ex_ev for EVs (vesicles of 100–150 nm pass fenestrae of about their size slowly).
    if (v.label == 1)
      for (int q = 0; q < kLiverDiffusing; ++q) {
        const T kx = (q == kEv ? k_ex_ev : k_ex) / (T(1) + C * inv_c_half[q]);
        P[q] += kx * blood(q, t), L[q] += kx;
      }
  }
};

}  // namespace lobule
