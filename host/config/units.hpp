/// Physical quantities written with units ("5 um", "100 um^2/s", "0.1 1/min").
#pragma once
#include <stdexcept>
#include <string>

namespace lobule {

/// Dimension as powers of length and time; base units are µm and s.
struct Dim {
  int length = 0;
  int time = 0;
  friend bool operator==(Dim a, Dim b) { return a.length == b.length && a.time == b.time; }
  friend bool operator!=(Dim a, Dim b) { return !(a == b); }
};

namespace dims {
inline constexpr Dim kNone{0, 0};
inline constexpr Dim kLength{1, 0};
inline constexpr Dim kTime{0, 1};
inline constexpr Dim kRate{0, -1};         ///< 1/s
inline constexpr Dim kDiffusivity{2, -1};  ///< µm²/s
inline constexpr Dim kVolume{3, 0};        ///< µm³
inline constexpr Dim kFlow{3, -1};         ///< µm³/s (blood flow)
}  // namespace dims

/// A number in base units (µm, s) with its dimension.
struct Quantity {
  double value = 0;
  Dim dim;
};

/// A string that is not a number with known units.
class UnitError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Parses "NUMBER [UNITS]", UNITS a product/quotient of um, µm, nm, mm, cm, m, uL, mL, L, ms, s,
/// min, h, d, wk with optional integer powers (um^2/s, 1/min, 1/d). A bare number is dimensionless.
Quantity parse_quantity(const std::string& text);

/// Parses text and converts it to base units, requiring dimension `want`; a bare number
/// is taken as already in base units. Throws UnitError naming the expected unit.
double parse_in_base_units(const std::string& text, Dim want);

/// Canonical base-unit name of a dimension: "um", "s", "um^2/s", "1/s", "" (none).
std::string unit_name(Dim d);

/// "12.5 um^2/s": the value in base units followed by the canonical unit.
std::string format_quantity(double value, Dim d);

}  // namespace lobule
