# The query playground's latency on a 100k-passage corpus (built once into build/release/bench-cache).
distillery_add_benchmark(NAME bench_search SOURCES bench_search.cpp LIBS distillery_core_eval distillery_core_model)
target_compile_definitions(bench_search PRIVATE DISTILLERY_BENCH_CACHE="${CMAKE_BINARY_DIR}/bench-cache")
