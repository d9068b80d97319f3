# bench_model throughput | quality: embedding speed against torch::mm peak; default student vs random weights and BM25.
distillery_add_benchmark(NAME bench_model SOURCES bench_model.cpp
  LIBS distillery_core_model distillery_core_index distillery_core_corpus)
