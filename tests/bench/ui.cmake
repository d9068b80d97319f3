if(TARGET distillery_ui)
  distillery_add_benchmark(NAME bench_browser SOURCES ${CMAKE_CURRENT_LIST_DIR}/bench_browser.cpp LIBS distillery_ui)
endif()
