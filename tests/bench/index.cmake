# Dense search: 1,000 queries against 100k unit 384-d vectors (or real embeddings), exact, IVF and HNSW, wrapper vs raw faiss.
distillery_add_benchmark(NAME bench_index SOURCES bench_index.cpp LIBS distillery_core_index distillery_core_model faiss)
