// A small SVG writer for the report's charts: primitives, linear and log
// scales with ticks, and escaping. Charts are inline in the HTML, so nothing
// is fetched when the report is opened.
#ifndef NEUROWATT_RENDER_SVG_H_
#define NEUROWATT_RENDER_SVG_H_

#include <string>
#include <utility>
#include <vector>

namespace neurowatt {

// Escapes &, <, >, " and ' for XML text and attributes.
std::string XmlEscape(const std::string& s);

// Maps data values in [lo, hi] to pixels in [from, to]; a log scale needs
// lo > 0. Values outside are clamped.
class Scale {
 public:
  Scale(double lo, double hi, double from, double to, bool log);
  double operator()(double v) const;
  // About `count` round tick values inside [lo, hi] (powers of ten on a log
  // scale).
  std::vector<double> Ticks(int count = 5) const;
  double lo() const { return lo_; }
  double hi() const { return hi_; }

 private:
  double lo_, hi_, from_, to_;
  bool log_;
};

class Svg {
 public:
  Svg(double width, double height) : width_(width), height_(height) {}

  void Line(double x1, double y1, double x2, double y2,
            const std::string& color, double width = 1,
            const std::string& dash = "");
  void Rect(double x, double y, double w, double h, const std::string& fill,
            const std::string& title = "");
  void Circle(double x, double y, double r, const std::string& fill,
              const std::string& title = "");
  void Polyline(const std::vector<std::pair<double, double>>& points,
                const std::string& color, double width = 2);
  // anchor: "start", "middle" or "end"; rotate in degrees about (x, y).
  void Text(double x, double y, const std::string& text, double size = 12,
            const std::string& anchor = "start", double rotate = 0,
            bool bold = false);

  // Axes on the plot rectangle [left, right] x [top, bottom]: ticks, grid,
  // tick labels from `label(value)` and axis titles.
  void Axes(const Scale& x, const Scale& y, double left, double right,
            double top, double bottom, const std::string& x_title,
            const std::string& y_title, std::string (*x_label)(double),
            std::string (*y_label)(double));

  // A legend row: colour swatches and names, starting at (x, y).
  void Legend(double x, double y,
              const std::vector<std::pair<std::string, std::string>>& items);

  // The <svg> element with an id and an accessible title.
  std::string Render(const std::string& id, const std::string& title) const;

 private:
  double width_, height_;
  std::string body_;
};

// Short numbers for tick labels: 1.5k, 2M, 0.001, 1e-09.
std::string TickNumber(double v);

}  // namespace neurowatt

#endif  // NEUROWATT_RENDER_SVG_H_
