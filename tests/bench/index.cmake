# Dense search: 1,000 queries against 100k random unit 384-d vectors, exact and HNSW, wrapper vs raw faiss.
distillery_add_benchmark(NAME bench_index SOURCES bench_index.cpp LIBS distillery_core_index faiss)
