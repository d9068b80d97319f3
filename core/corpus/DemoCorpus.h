#pragma once
// Forwards to core/corpus/demo/DemoCorpus.h for ui/MainWindow.cpp, which this change may not edit; remove it once
// that include names the demo/ folder.
#include "core/corpus/demo/DemoCorpus.h"
