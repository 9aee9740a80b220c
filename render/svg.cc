#include "render/svg.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace neurowatt {

std::string XmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

Scale::Scale(double lo, double hi, double from, double to, bool log)
    : lo_(lo), hi_(hi), from_(from), to_(to), log_(log) {
  if (!std::isfinite(lo_) || !std::isfinite(hi_)) {
    lo_ = log_ ? 1 : 0;
    hi_ = log_ ? 10 : 1;
  }
  if (log_) {
    lo_ = std::max(lo_, 1e-300);
    hi_ = std::max(hi_, lo_ * 10);
  } else if (hi_ <= lo_) {
    hi_ = lo_ + 1;
  }
}

double Scale::operator()(double v) const {
  double t;
  if (log_) {
    v = std::clamp(v, lo_, hi_);
    t = (std::log10(v) - std::log10(lo_)) / (std::log10(hi_) - std::log10(lo_));
  } else {
    v = std::clamp(v, lo_, hi_);
    t = (v - lo_) / (hi_ - lo_);
  }
  return from_ + t * (to_ - from_);
}

std::vector<double> Scale::Ticks(int count) const {
  std::vector<double> out;
  if (log_) {
    const int a = static_cast<int>(std::ceil(std::log10(lo_) - 1e-9));
    const int b = static_cast<int>(std::floor(std::log10(hi_) + 1e-9));
    const int step = std::max(1, (b - a) / std::max(1, count));
    for (int e = a; e <= b; e += step) out.push_back(std::pow(10.0, e));
    return out;
  }
  const double raw = (hi_ - lo_) / std::max(1, count);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = mag;
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (mag * m >= raw) {
      step = mag * m;
      break;
    }
  }
  for (double v = std::ceil(lo_ / step) * step; v <= hi_ + step * 1e-9;
       v += step) {
    out.push_back(std::abs(v) < step * 1e-9 ? 0 : v);
  }
  return out;
}

void Svg::Line(double x1, double y1, double x2, double y2,
               const std::string& color, double width,
               const std::string& dash) {
  absl::StrAppendFormat(
      &body_,
      "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
      "y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%.1f\"%s/>\n",
      x1, y1, x2, y2, color, width,
      dash.empty() ? "" : absl::StrCat(" stroke-dasharray=\"", dash, "\""));
}

void Svg::Rect(double x, double y, double w, double h, const std::string& fill,
               const std::string& title) {
  absl::StrAppendFormat(
      &body_,
      "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
      "height=\"%.1f\" fill=\"%s\">%s</rect>\n",
      x, y, std::max(0.0, w), std::max(0.0, h), fill,
      title.empty() ? ""
                    : absl::StrCat("<title>", XmlEscape(title), "</title>"));
}

void Svg::Circle(double x, double y, double r, const std::string& fill,
                 const std::string& title) {
  absl::StrAppendFormat(
      &body_,
      "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" fill=\"%s\" "
      "stroke=\"#222\" stroke-width=\"0.8\">%s</circle>\n",
      x, y, r, fill,
      title.empty() ? ""
                    : absl::StrCat("<title>", XmlEscape(title), "</title>"));
}

void Svg::Polyline(const std::vector<std::pair<double, double>>& points,
                   const std::string& color, double width) {
  std::string pts;
  for (const auto& [x, y] : points)
    absl::StrAppendFormat(&pts, "%.1f,%.1f ", x, y);
  absl::StrAppendFormat(&body_,
                        "<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" "
                        "stroke-width=\"%.1f\"/>\n",
                        pts, color, width);
}

void Svg::Text(double x, double y, const std::string& text, double size,
               const std::string& anchor, double rotate, bool bold) {
  absl::StrAppendFormat(
      &body_,
      "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%.0f\" text-anchor=\"%s\"%s%s>"
      "%s</text>\n",
      x, y, size, anchor,
      rotate != 0 ? absl::StrFormat(" transform=\"rotate(%.0f %.1f %.1f)\"",
                                    rotate, x, y)
                  : std::string(),
      bold ? " font-weight=\"bold\"" : "", XmlEscape(text));
}

void Svg::Axes(const Scale& x, const Scale& y, double left, double right,
               double top, double bottom, const std::string& x_title,
               const std::string& y_title, std::string (*x_label)(double),
               std::string (*y_label)(double)) {
  for (double v : x.Ticks()) {
    const double px = x(v);
    Line(px, top, px, bottom, "#e3e3e3");
    Text(px, bottom + 16, x_label(v), 11, "middle");
  }
  for (double v : y.Ticks()) {
    const double py = y(v);
    Line(left, py, right, py, "#e3e3e3");
    Text(left - 6, py + 4, y_label(v), 11, "end");
  }
  Line(left, bottom, right, bottom, "#333");
  Line(left, top, left, bottom, "#333");
  Text((left + right) / 2, bottom + 36, x_title, 12, "middle");
  Text(left - 58, (top + bottom) / 2, y_title, 12, "middle", -90);
}

void Svg::Legend(
    double x, double y,
    const std::vector<std::pair<std::string, std::string>>& items) {
  for (const auto& [name, color] : items) {
    Rect(x, y - 10, 12, 12, color);
    Text(x + 16, y, name, 12);
    x += 24 + 7.0 * static_cast<double>(name.size());
  }
}

std::string Svg::Render(const std::string& id, const std::string& title) const {
  return absl::StrFormat(
      "<svg id=\"%s\" width=\"%.0f\" "
      "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\" "
      "font-family=\"sans-serif\"><title>%s</title>\n%s</svg>\n",
      id, width_, height_, width_, height_, XmlEscape(title), body_);
}

std::string TickNumber(double v) {
  const double a = std::abs(v);
  if (a == 0) return "0";
  if (a >= 1e3 && a < 1e15) {
    static constexpr struct {
      double s;
      const char* p;
    } kUnits[] = {{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
    for (const auto& u : kUnits) {
      if (a >= u.s) return absl::StrFormat("%g%s", v / u.s, u.p);
    }
  }
  if (a >= 0.01 && a < 1e3) return absl::StrFormat("%g", v);
  return absl::StrFormat("%.0e", v);
}

}  // namespace neurowatt
