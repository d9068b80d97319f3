distillery_add_benchmark(NAME bench_pipeline SOURCES bench_pipeline.cpp LIBS distillery_core_pipeline)
target_compile_definitions(bench_pipeline PRIVATE ${DISTILLERY_SOURCE_DIR_DEFINITION})
# bench_train: one training step against the same step in PyTorch from Python (reference_train_step.py).
distillery_add_benchmark(NAME bench_train SOURCES bench_train.cpp LIBS distillery_core_pipeline distillery_core_model)
target_compile_definitions(bench_train PRIVATE ${DISTILLERY_SOURCE_DIR_DEFINITION}
  OPENMP_BLAS_DIR="/usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/openblas-openmp")
