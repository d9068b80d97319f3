distillery_add_benchmark(NAME bench_teacher SOURCES bench_teacher.cpp
  LIBS distillery_core_teacher nlohmann_json::nlohmann_json Threads::Threads)
