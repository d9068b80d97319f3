#pragma once
// How the process's allocator treats the large, short-lived buffers of tensor work.

namespace distillery::model {

/// A batch's activations and attention scores (megabytes to tens of megabytes) are freed and allocated again for
/// every batch and layer. With glibc's defaults each such block is a fresh mmap whose pages the kernel faults in and
/// zeroes again: a fifth of an embedding's CPU time went to the kernel. Called before tensor work (idempotent, once
/// per process), this keeps them in malloc's heap and lets it hold up to 256 MB of freed memory for reuse.
void keepTensorBuffersInTheHeap();

} // namespace distillery::model
