#pragma once
// The BERT-small shape the speed issue measures (bge-small / e5-small size: 6 layers x 384, 12 heads, FFN 1536,
// 256 tokens), shared by the encoder and training benchmarks and the test of the inference path at that size.
#include "core/model/BertConfig.h"

#include <cstdint>

namespace distillery::test {

inline model::BertConfig bertSmallConfig(std::int64_t vocabularySize) {
  model::BertConfig config;
  config.vocabSize = vocabularySize;
  config.hiddenSize = 384;
  config.layers = 6;
  config.heads = 12;
  config.intermediateSize = 1536;
  config.maxPositions = 512;
  config.maxSequenceLength = 256;
  return config;
}

} // namespace distillery::test
