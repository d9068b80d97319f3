# bench_distributed embed | allreduce: embedding throughput on 1 and 2 ranks (1 thread each), the gradient
# all-reduce of a BERT-small-shaped model per training step.
distillery_add_benchmark(NAME bench_distributed SOURCES bench_distributed.cpp
  LIBS distillery_core_distributed distillery_core_model)
