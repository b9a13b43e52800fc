#include "units.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <utility>

namespace lobule {
namespace {

struct UnitDef {
  const char* name;
  double factor;  // value of one unit in base units (µm or s)
  Dim dim;
};

// Length in µm, time in s (volumes in µm³).
constexpr UnitDef kUnits[] = {
    {"nm", 1e-3, dims::kLength},       {"um", 1.0, dims::kLength},
    {"\xC2\xB5m", 1.0, dims::kLength}, {"\xCE\xBCm", 1.0, dims::kLength},
    {"mm", 1e3, dims::kLength},        {"cm", 1e4, dims::kLength},
    {"m", 1e6, dims::kLength},         {"ms", 1e-3, dims::kTime},
    {"s", 1.0, dims::kTime},           {"min", 60.0, dims::kTime},
    {"h", 3600.0, dims::kTime},        {"d", 86400.0, dims::kTime},
    {"day", 86400.0, dims::kTime},     {"days", 86400.0, dims::kTime},
    {"wk", 604800.0, dims::kTime},     {"uL", 1e9, dims::kVolume},
    {"mL", 1e12, dims::kVolume},       {"L", 1e15, dims::kVolume},
};

constexpr int kMaxPower = 12;

const UnitDef* find_unit(const std::string& name) {
  for (const auto& u : kUnits)
    if (name == u.name) return &u;
  return nullptr;
}

// Reads an integer exponent after '^' at position p; advances p. Powers beyond ±12 are
// refused: no physical unit needs them, and they overflow the factor and the dimension.
int read_power(const std::string& s, std::size_t& p, const std::string& text) {
  std::size_t q = p;
  if (q < s.size() && (s[q] == '-' || s[q] == '+')) ++q;
  const std::size_t digits = q;
  while (q < s.size() && std::isdigit(static_cast<unsigned char>(s[q]))) ++q;
  if (q == digits) throw UnitError(fmt::format("'{}': expected an integer power after '^'", text));
  if (q - digits > 2 || std::abs(std::atoi(s.substr(p, q - p).c_str())) > kMaxPower)
    throw UnitError(
        fmt::format("'{}': powers are limited to -{} .. {}", text, kMaxPower, kMaxPower));
  const int v = std::atoi(s.substr(p, q - p).c_str());
  p = q;
  return v;
}

// Parses a unit expression: terms separated by '*', '/' or spaces; a term after '/' is
// inverted (a/b/c = a/(b·c)). Returns the factor to base units and the dimension.
std::pair<double, Dim> parse_units(const std::string& s, const std::string& text) {
  double factor = 1.0;
  Dim dim;
  std::size_t p = 0;
  int sign = +1;
  bool expect_term = true;
  while (p < s.size()) {
    const char c = s[p];
    if (c == ' ' || c == '*' || c == '\t') {
      ++p;
      continue;
    }
    if (c == '/') {
      if (expect_term) throw UnitError(fmt::format("'{}': misplaced '/'", text));
      sign = -1;
      expect_term = true;
      ++p;
      continue;
    }
    std::size_t q = p;
    while (q < s.size() && s[q] != ' ' && s[q] != '*' && s[q] != '/' && s[q] != '^') ++q;
    const std::string name = s.substr(p, q - p);
    p = q;
    int power = 1;
    if (p < s.size() && s[p] == '^') power = read_power(s, ++p, text);
    if (name != "1") {
      const UnitDef* u = find_unit(name);
      if (!u)
        throw UnitError(fmt::format(
            "'{}': unknown unit '{}' (known: nm, um, mm, cm, m; uL, mL, L; ms, s, min, h, d, wk)",
            text, name));
      const int e = sign * power;
      for (int n = 0; n < (e < 0 ? -e : e); ++n)
        factor = e < 0 ? factor / u->factor : factor * u->factor;
      dim.length += e * u->dim.length;
      dim.time += e * u->dim.time;
    }
    // A '/' inverts only the term right after it: "um^2/s" and "1/min".
    sign = +1;
    expect_term = false;
  }
  if (expect_term && !s.empty()) throw UnitError(fmt::format("'{}': unit missing after '/'", text));
  if (std::abs(dim.length) > kMaxPower || std::abs(dim.time) > kMaxPower)
    throw UnitError(
        fmt::format("'{}': powers are limited to -{} .. {}", text, kMaxPower, kMaxPower));
  return {factor, dim};
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t");
  return s.substr(b, e - b + 1);
}

}  // namespace

Quantity parse_quantity(const std::string& text) {
  const std::string s = trim(text);
  if (s.empty()) throw UnitError("empty quantity");
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end == s.c_str()) throw UnitError(fmt::format("'{}': expected a number", text));
  if (!std::isfinite(v)) throw UnitError(fmt::format("'{}': the number is not finite", text));
  const std::string rest = trim(std::string(end));
  if (rest.empty()) return {v, dims::kNone};
  // "1e3um" without a space is accepted; a number glued to a letter is fine.
  const auto [factor, dim] = parse_units(rest, text);
  if (!std::isfinite(v * factor))
    throw UnitError(fmt::format("'{}': the value is out of range in base units (um, s)", text));
  return {v * factor, dim};
}

double parse_in_base_units(const std::string& text, Dim want) {
  const Quantity q = parse_quantity(text);
  if (q.dim == dims::kNone) return q.value;  // a bare number is in base units
  if (q.dim != want)
    throw UnitError(fmt::format("'{}' has units of {} but {} is expected", text,
                                unit_name(q.dim).empty() ? "a pure number" : unit_name(q.dim),
                                unit_name(want).empty() ? "a pure number" : unit_name(want)));
  return q.value;
}

std::string unit_name(Dim d) {
  auto term = [](const char* u, int e) {
    return e == 1 ? std::string(u) : fmt::format("{}^{}", u, e);
  };
  std::string num, den;
  auto add = [&](const char* u, int e) {
    if (e > 0) num += (num.empty() ? "" : "*") + term(u, e);
    if (e < 0) den += (den.empty() ? "" : "/") + term(u, -e);
  };
  add("um", d.length);
  add("s", d.time);
  if (den.empty()) return num;
  return (num.empty() ? std::string("1") : num) + "/" + den;
}

std::string format_quantity(double value, Dim d) {
  const std::string u = unit_name(d);
  // Shortest text that reads back as the same double: config.yaml reproduces the run exactly.
  return u.empty() ? fmt::format("{}", value) : fmt::format("{} {}", value, u);
}

}  // namespace lobule
