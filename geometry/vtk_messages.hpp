/// VTK's error and warning texts, for our own messages: VTK prints nothing to the terminal
/// (its colored multi-line reports would bury ours), and a reader's last complaint is kept.
#pragma once
#include <vtkCallbackCommand.h>
#include <vtkNew.h>
#include <vtkObject.h>

#include <string>

namespace lobule {

/// Routes every VTK message away from the terminal (once per process; idempotent).
void silence_vtk_output();

/// Keeps the last error or warning that the watched VTK objects report.
class VtkMessages {
 public:
  VtkMessages();
  void watch(vtkObject* o);
  bool any() const { return !last_.empty(); }
  /// The last message without VTK's source location and object address, or `fallback`.
  std::string reason(const std::string& fallback = "corrupt file") const;

 private:
  std::string last_;
  vtkNew<vtkCallbackCommand> cb_;
};

}  // namespace lobule
