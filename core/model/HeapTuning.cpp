#include "core/model/HeapTuning.h"

#include <mutex>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

namespace distillery::model {

void keepTensorBuffersInTheHeap() {
#if defined(__GLIBC__)
  static std::once_flag once;
  std::call_once(once, [] {
    mallopt(M_MMAP_THRESHOLD, 1 << 30);   // blocks up to 1 GB come from the heap, not from a fresh mmap each time
    mallopt(M_TRIM_THRESHOLD, 256 << 20); // freed memory at the heap's top goes back to the system past 256 MB
    mallopt(M_TOP_PAD, 64 << 20);         // and the heap grows in steps of 64 MB, not one page at a time
  });
#endif
}

} // namespace distillery::model
