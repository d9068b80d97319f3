distillery_add_benchmark(NAME bench_corpus SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_corpus.cpp LIBS distillery_core_corpus)
