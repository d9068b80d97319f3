# bench_model throughput | quality: embedding speed against torch::mm peak; default student vs random weights.
distillery_add_benchmark(NAME bench_model SOURCES bench_model.cpp LIBS distillery_core_model distillery_core_corpus)
