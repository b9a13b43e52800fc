#include "vtk_messages.hpp"

#include <vtkLogger.h>
#include <vtkObjectFactory.h>
#include <vtkOutputWindow.h>

namespace lobule {
namespace {

// An output window that drops text: readers report through VtkMessages instead.
class SilentWindow : public vtkOutputWindow {
 public:
  static SilentWindow* New();
  vtkTypeMacro(SilentWindow, vtkOutputWindow);
  void DisplayText(const char*) override {}
};
vtkStandardNewMacro(SilentWindow);

}  // namespace

void silence_vtk_output() {
  static const bool done = [] {
    vtkNew<SilentWindow> w;
    vtkOutputWindow::SetInstance(w);
    vtkLogger::SetStderrVerbosity(vtkLogger::VERBOSITY_OFF);  // VTK 9's own log to stderr
    return true;
  }();
  (void)done;
}

VtkMessages::VtkMessages() {
  silence_vtk_output();
  cb_->SetClientData(this);
  cb_->SetCallback([](vtkObject*, unsigned long, void* self, void* text) {
    if (text) static_cast<VtkMessages*>(self)->last_ = static_cast<const char*>(text);
  });
}

void VtkMessages::watch(vtkObject* o) {
  o->AddObserver(vtkCommand::ErrorEvent, cb_);
  o->AddObserver(vtkCommand::WarningEvent, cb_);
}

// "ERROR: In ./IO/XML/vtkXMLDataReader.cxx, line 444\nvtkXMLImageDataReader (0x...): Cannot
// read ..." -> "Cannot read ...".
std::string VtkMessages::reason(const std::string& fallback) const {
  if (last_.empty()) return fallback;
  std::string s = last_;
  const auto colon = s.find("): ");
  if (colon != std::string::npos) s = s.substr(colon + 3);
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s.empty() ? fallback : s;
}

}  // namespace lobule
