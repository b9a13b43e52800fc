// Units parser: conversions to base units (µm, s), dimension checks, error messages.
#include <gtest/gtest.h>

#include <cmath>

#include "host/config/units.hpp"

namespace lobule {
namespace {

TEST(Units, LengthsConvertToMicrometres) {
  EXPECT_DOUBLE_EQ(parse_in_base_units("5 um", dims::kLength), 5);
  EXPECT_DOUBLE_EQ(parse_in_base_units("5 \xC2\xB5m", dims::kLength), 5);
  EXPECT_DOUBLE_EQ(parse_in_base_units("2 mm", dims::kLength), 2000);
  EXPECT_DOUBLE_EQ(parse_in_base_units("1e-3 m", dims::kLength), 1000);
  EXPECT_DOUBLE_EQ(parse_in_base_units("250 nm", dims::kLength), 0.25);
  EXPECT_DOUBLE_EQ(parse_in_base_units("7", dims::kLength), 7);  // bare number: base units
}

TEST(Units, TimesConvertToSeconds) {
  EXPECT_DOUBLE_EQ(parse_in_base_units("2 h", dims::kTime), 7200);
  EXPECT_DOUBLE_EQ(parse_in_base_units("14 d", dims::kTime), 14 * 86400);
  EXPECT_DOUBLE_EQ(parse_in_base_units("30 min", dims::kTime), 1800);
  EXPECT_DOUBLE_EQ(parse_in_base_units("10 ms", dims::kTime), 0.01);
}

TEST(Units, VolumesConvertToCubicMicrometres) {
  EXPECT_DOUBLE_EQ(parse_in_base_units("1.5 mL", dims::kVolume), 1.5e12);
  EXPECT_DOUBLE_EQ(parse_in_base_units("2 uL", dims::kVolume), 2e9);
  EXPECT_DOUBLE_EQ(parse_in_base_units("0.001 L", dims::kVolume), 1e12);
  EXPECT_DOUBLE_EQ(parse_in_base_units("1 mm^3", dims::kVolume), 1e9);
  EXPECT_EQ(format_quantity(2e12, dims::kVolume), "2000000000000 um^3");
  EXPECT_THROW(parse_in_base_units("1 mL", dims::kLength), UnitError);
}

TEST(Units, QuotientsAndPowers) {
  EXPECT_DOUBLE_EQ(parse_in_base_units("100 um^2/s", dims::kDiffusivity), 100);
  EXPECT_DOUBLE_EQ(parse_in_base_units("1 mm^2/s", dims::kDiffusivity), 1e6);
  EXPECT_DOUBLE_EQ(parse_in_base_units("60 um^2/min", dims::kDiffusivity), 1);
  EXPECT_DOUBLE_EQ(parse_in_base_units("0.1 1/min", dims::kRate), 0.1 / 60);
  EXPECT_DOUBLE_EQ(parse_in_base_units("1 1/d", dims::kRate), 1.0 / 86400);
  EXPECT_DOUBLE_EQ(parse_in_base_units("2 s^-1", dims::kRate), 2);
  const Quantity q = parse_quantity("3 um/s/s");
  EXPECT_EQ(q.dim, (Dim{1, -2}));
}

TEST(Units, DimensionMismatchIsAnError) {
  EXPECT_THROW(parse_in_base_units("5 s", dims::kLength), UnitError);
  EXPECT_THROW(parse_in_base_units("5 um^2", dims::kDiffusivity), UnitError);
  EXPECT_THROW(parse_in_base_units("1 1/um", dims::kRate), UnitError);
}

TEST(Units, MalformedTextIsAnError) {
  for (const char* bad : {"", "um", "5 furlongs", "5 um^", "5 um^x", "5 /s", "5 um/", "nan um",
                          "inf s", "5 um^2/s extra?"}) {
    EXPECT_THROW(parse_quantity(bad), UnitError) << "'" << bad << "'";
  }
}

TEST(Units, OutOfRangeValuesAndPowersAreErrors) {
  // Found by fuzzing: "224m^122" was 224·10^732 µm = inf; huge powers looped and overflowed.
  EXPECT_THROW(parse_quantity("224m^122"), UnitError);
  EXPECT_THROW(parse_quantity("1e300 m^2"), UnitError);
  EXPECT_THROW(parse_quantity("1 um^99999999999"), UnitError);
  EXPECT_THROW(parse_quantity("1 s^-13"), UnitError);
  EXPECT_THROW(parse_quantity("1 um^12 um"), UnitError);  // the total power counts
  EXPECT_DOUBLE_EQ(parse_quantity("1 um^12").value, 1);
  EXPECT_EQ(parse_quantity("2 s^-12").dim, (Dim{0, -12}));
}

TEST(Units, ErrorNamesTheUnknownUnit) {
  try {
    parse_quantity("3 parsecs");
    FAIL();
  } catch (const UnitError& e) {
    EXPECT_NE(std::string(e.what()).find("parsecs"), std::string::npos);
  }
}

TEST(Units, CanonicalNamesRoundTrip) {
  for (Dim d : {dims::kLength, dims::kTime, dims::kRate, dims::kDiffusivity, Dim{1, -2}}) {
    const std::string text = format_quantity(2.5, d);
    const Quantity q = parse_quantity(text);
    EXPECT_EQ(q.dim, d) << text;
    EXPECT_DOUBLE_EQ(q.value, 2.5) << text;
  }
}

}  // namespace
}  // namespace lobule
