#pragma once
// The dashboard's names for core's metric table (core/report/MetricTable.h), which reads the stored metrics.
#include "core/report/MetricTable.h"

namespace distillery::ui {

using reporting::MetricRecord;
using reporting::MetricScope;
using reporting::MetricTable;

} // namespace distillery::ui
