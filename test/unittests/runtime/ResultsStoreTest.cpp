//===- ResultsStoreTest.cpp - results files and recovery after a crash ----===//

#include "runtime/results/ResultsStore.h"

#include "JobFixture.h"
#include "runtime/results/CsvRecords.h"
#include "runtime/results/CsvText.h"

#include <csignal>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <sys/resource.h>

using namespace sweep;
using namespace sweep::testing;

namespace {
std::string readText(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<MetricColumn> metrics() { return metricColumns({"accuracy", "loss"}, true, false); }

/// A finished run's row; `epochs`: how many curve rows the test writes for it
/// (a resume keeps only runs with one curve row per epoch trained).
RunRecord recordFor(const SweepJob &job, size_t r, double accuracy, int64_t epochs = 0) {
  RunRecord record;
  record.id = job.runs[r].id;
  record.configHash = job.runs[r].configHash;
  record.columnValues = job.runs[r].columnValues;
  record.epochs = epochs;
  record.metrics = {0.5, accuracy, 0.25};
  record.device = "cpu";
  record.seconds = 1.5;
  record.joules = 250.0;
  record.joulesSource = "measured:rapl";
  return record;
}
} // namespace

TEST(CsvText, FieldsRoundTrip) {
  std::vector<std::string> fields = {"plain", "a,b", "say \"hi\"", "two\nlines", ""}, back;
  std::string record = csvRecord(fields);
  ASSERT_EQ(record.back(), '\n');
  std::vector<std::string> records = completeCsvRecords(record + "cut,off");
  ASSERT_EQ(records.size(), 1u);
  ASSERT_TRUE(parseCsvRecord(records[0], back));
  EXPECT_EQ(back, fields);
  EXPECT_EQ(csvNumber(0.1), "0.1");
  EXPECT_EQ(csvNumber(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(csvNumber(NAN), "nan");
}

TEST(ResultsStore, FreshStoreWritesHeaders) {
  SweepJob job = blobsJob({0.1, 0.2});
  std::string dir = freshDirectory("fresh"), error;
  auto store = ResultsStore::open(dir, job, metrics(), ResultsStore::Mode::Fresh, error);
  ASSERT_TRUE(store) << error;
  EXPECT_EQ(readText(dir + "/runs.csv"),
            "run,config_hash,group,optimizer.lr,note,status,status_epoch,stop_reason,"
            "epochs_trained,train_loss,val_accuracy,val_loss,device,seconds,joules,"
            "joules_source,accuracy_per_kj\n");
  EXPECT_EQ(readText(dir + "/curves.csv"), "run,epoch,train_loss,val_accuracy,val_loss,seconds\n");
}

// runs.csv of an older sweepc named the epochs a run trained `epochs`, as the
// `epochs` setting's column: --resume keeps its runs and renames the column.
TEST(ResultsStore, ResumeReadsTheOldEpochsColumnAndRenamesIt) {
  SweepJob job = blobsJob({0.1, 0.2});
  std::string dir = freshDirectory("legacy-epochs"), error;
  {
    auto store = ResultsStore::open(dir, job, metrics(), ResultsStore::Mode::Fresh, error);
    ASSERT_TRUE(store) << error;
    ASSERT_TRUE(store->appendRun(recordFor(job, 0, 0.8), error)) << error;
  }
  std::string runs = readText(dir + "/runs.csv");
  size_t at = runs.find(",epochs_trained,");
  ASSERT_NE(at, std::string::npos);
  runs.replace(at, std::strlen(",epochs_trained,"), ",epochs,");
  std::ofstream(dir + "/runs.csv", std::ios::trunc) << runs;

  auto store = ResultsStore::open(dir, job, metrics(), ResultsStore::Mode::Resume, error);
  ASSERT_TRUE(store) << error;
  ASSERT_EQ(store->recoveredRuns().size(), 1u);
  EXPECT_EQ(store->recoveredRuns()[0].metrics[1], 0.8);
  EXPECT_NE(readText(dir + "/runs.csv").find(",stop_reason,epochs_trained,"), std::string::npos)
      << readText(dir + "/runs.csv");
}

TEST(ResultsStore, ExistingResultsNeedResumeOrOverwrite) {
  SweepJob job = blobsJob({0.1});
  std::string dir = freshDirectory("existing"), error;
  {
    auto store = ResultsStore::open(dir, job, metrics(), ResultsStore::Mode::Fresh, error);
    ASSERT_TRUE(store) << error;
    ASSERT_TRUE(store->appendRun(recordFor(job, 0, 0.9), error)) << error;
  }
  EXPECT_FALSE(ResultsStore::open(dir, job, metrics(), ResultsStore::Mode::Fresh, error));
  EXPECT_NE(error.find("--resume"), std::string::npos) << error;
  auto store = ResultsStore::open(dir, job, metrics(), ResultsStore::Mode::Overwrite, error);
  ASSERT_TRUE(store) << error;
  EXPECT_TRUE(store->recoveredRuns().empty());
  EXPECT_FALSE(store->isFinished(0));
}

TEST(ResultsStore, ASecondWriterIsLockedOut) {
  SweepJob job = blobsJob({0.1});
  std::string dir = freshDirectory("locked"), error;
  auto first = ResultsStore::open(dir, job, metrics(), ResultsStore::Mode::Fresh, error);
  ASSERT_TRUE(first) << error;
  EXPECT_FALSE(ResultsStore::open(dir, job, metrics(), ResultsStore::Mode::Resume, error));
  EXPECT_NE(error.find("another sweepc"), std::string::npos) << error;
  // Regression: the check before compiling said "pass --resume", which then
  // met the lock.
  EXPECT_EQ(ResultsStore::freshProblem(dir), "another sweepc is writing '" + dir + "'");
  first.reset();
  EXPECT_NE(ResultsStore::freshProblem(dir).find("already holds results"), std::string::npos);
}

TEST(ResultsStore, ResumeKeepsFinishedRunsAndDropsCutRows) {
  SweepJob job = blobsJob({0.1, 0.2, 0.3});
  std::string dir = freshDirectory("resume"), error;
  {
    auto store = ResultsStore::open(dir, job, metrics(), ResultsStore::Mode::Fresh, error);
    ASSERT_TRUE(store) << error;
    ASSERT_TRUE(store->appendCurves(store->curveRow(0, 1, {0.5, 0.8, 0.3}, 0.1), error));
    ASSERT_TRUE(store->appendRun(recordFor(job, 0, 0.8, 1), error));
    // Run 1 was mid-training: a curve row, no runs.csv row.
    ASSERT_TRUE(store->appendCurves(store->curveRow(1, 1, {0.6, 0.7, 0.4}, 0.1), error));
  }
  // A kill cut the next rows short.
  std::ofstream(dir + "/runs.csv", std::ios::app) << "2,00000000000010";
  std::ofstream(dir + "/curves.csv", std::ios::app) << "1,2,0.55";

  auto store = ResultsStore::open(dir, job, metrics(), ResultsStore::Mode::Resume, error);
  ASSERT_TRUE(store) << error;
  ASSERT_EQ(store->recoveredRuns().size(), 1u);
  const RunRecord &kept = store->recoveredRuns()[0];
  EXPECT_EQ(kept.id, 0u);
  EXPECT_EQ(kept.columnValues, job.runs[0].columnValues);
  EXPECT_EQ(kept.metrics[1], 0.8);
  // The energy columns come back, and accuracy per kJ is val_accuracy / 0.25 kJ.
  EXPECT_EQ(kept.joules, 250.0);
  EXPECT_EQ(kept.joulesSource, "measured:rapl");
  EXPECT_EQ(kept.device, "cpu");
  EXPECT_NE(readText(dir + "/runs.csv").find(",cpu,1.5,250,measured:rapl,3.2\n"),
            std::string::npos)
      << readText(dir + "/runs.csv");
  EXPECT_TRUE(store->isFinished(0));
  EXPECT_FALSE(store->isFinished(1));
  std::string runs = readText(dir + "/runs.csv"), curves = readText(dir + "/curves.csv");
  EXPECT_EQ(completeCsvRecords(runs).size(), 2u);
  EXPECT_EQ(runs.back(), '\n');
  EXPECT_EQ(curves, "run,epoch,train_loss,val_accuracy,val_loss,seconds\n0,1,0.5,0.8,0.3,0.1\n");
}

// Regression: a resume killed midway left the previous invocation's
// summary.json (4 runs, beside 5 rows) and report.html in place, and an
// interrupted --overwrite the discarded results' report.html.
TEST(ResultsStore, ResumeAndOverwriteRemoveTheOldSummaryAndReport) {
  SweepJob job = blobsJob({0.1, 0.2});
  std::string dir = freshDirectory("stale"), error;
  for (ResultsStore::Mode mode : {ResultsStore::Mode::Resume, ResultsStore::Mode::Overwrite}) {
    {
      auto store = ResultsStore::open(dir, job, metrics(), ResultsStore::Mode::Overwrite, error);
      ASSERT_TRUE(store) << error;
      ASSERT_TRUE(store->appendRun(recordFor(job, 0, 0.8), error)) << error;
    }
    std::ofstream(dir + "/summary.json") << "{}";
    std::ofstream(dir + "/report.html") << "<html>";
    auto store = ResultsStore::open(dir, job, metrics(), mode, error);
    ASSERT_TRUE(store) << error;
    EXPECT_FALSE(std::filesystem::exists(dir + "/summary.json"));
    EXPECT_FALSE(std::filesystem::exists(dir + "/report.html"));
  }
}

// --overwrite removes what describes the earlier runs (summary, report,
// weights) before it replaces runs.csv: an overwrite stopped in between leaves
// no old summary or weights beside the new runs. Regression: they went last,
// and a resume reported the old model's weights as the new runs'.
TEST(ResultsStore, OverwriteRemovesTheOldSummaryAndWeightsFirst) {
  SweepJob job = blobsJob({0.1});
  std::string dir = freshDirectory("overwrite-order"), error;
  {
    auto store = ResultsStore::open(dir, job, metrics(), ResultsStore::Mode::Fresh, error);
    ASSERT_TRUE(store) << error;
    ASSERT_TRUE(store->appendRun(recordFor(job, 0, 0.8), error)) << error;
  }
  std::ofstream(dir + "/summary.json") << "{}";
  std::filesystem::create_directories(dir + "/weights");
  std::ofstream(dir + "/weights/r0.npz") << "old";
  // runs.csv cannot be replaced: its temporary's name is taken by a folder.
  std::filesystem::create_directories(dir + "/runs.csv.tmp/full");
  EXPECT_FALSE(ResultsStore::open(dir, job, metrics(), ResultsStore::Mode::Overwrite, error));
  EXPECT_FALSE(std::filesystem::exists(dir + "/summary.json"));
  EXPECT_FALSE(std::filesystem::exists(dir + "/weights/r0.npz"));
}

// A lock file another user made (a shared results folder) still locks, read
// only; one that is no file is named. Regression: "cannot write to the results
// directory" for both.
TEST(ResultsStore, TheLockFileIsNamedAndNeedsNoWritePermission) {
  SweepJob job = blobsJob({0.1});
  std::string dir = freshDirectory("lock-file"), error;
  std::filesystem::create_directories(dir + "/.lock");
  EXPECT_FALSE(ResultsStore::open(dir, job, metrics(), ResultsStore::Mode::Fresh, error));
  EXPECT_EQ(error, "'" + dir + "/.lock', sweepc's lock file, is not a file; remove it");
}

// Regression: an edit that renumbered the groups (a `where` removing fewer
// runs) left the kept rows with their old group numbers.
TEST(ResultsStore, ResumeWritesKeptRowsWithTheirGroupNow) {
  SweepJob job = blobsJob({0.1, 0.2});
  std::string dir = freshDirectory("regrouped"), error;
  {
    auto store = ResultsStore::open(dir, job, metrics(), ResultsStore::Mode::Fresh, error);
    ASSERT_TRUE(store) << error;
    ASSERT_TRUE(store->appendRun(recordFor(job, 1, 0.8), error)) << error;
  }
  SweepJob regrouped = job;
  regrouped.runs[1].group = 2;
  auto store = ResultsStore::open(dir, regrouped, metrics(), ResultsStore::Mode::Resume, error);
  ASSERT_TRUE(store) << error;
  ASSERT_EQ(store->recoveredRuns().size(), 1u);
  EXPECT_EQ(store->recoveredRuns()[0].group, 2u);
  std::vector<std::string> rows = completeCsvRecords(readText(dir + "/runs.csv")), fields;
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_TRUE(parseCsvRecord(rows[1], fields));
  EXPECT_EQ(fields[2], "2") << rows[1];
}

TEST(ResultsStore, ResumeRejectsAnEditedSweep) {
  SweepJob job = blobsJob({0.1, 0.2});
  std::string dir = freshDirectory("edited"), error;
  {
    auto store = ResultsStore::open(dir, job, metrics(), ResultsStore::Mode::Fresh, error);
    ASSERT_TRUE(store) << error;
    ASSERT_TRUE(store->appendRun(recordFor(job, 1, 0.8), error));
  }
  SweepJob edited = job;
  edited.runs[1].configHash = 0xdead;
  EXPECT_FALSE(ResultsStore::open(dir, edited, metrics(), ResultsStore::Mode::Resume, error));
  EXPECT_NE(error.find("config hash"), std::string::npos) << error;

  // Where a run trained is cpu or cuda; anything else is no result of ours.
  std::string runs = readText(dir + "/runs.csv");
  size_t at = runs.find(",cpu,");
  ASSERT_NE(at, std::string::npos) << runs;
  std::ofstream(dir + "/runs.csv", std::ios::trunc) << runs.replace(at, 5, ",tpu,");
  EXPECT_FALSE(ResultsStore::open(dir, job, metrics(), ResultsStore::Mode::Resume, error));
  EXPECT_NE(error.find("has run 1 with device 'tpu' (cpu or cuda)"), std::string::npos) << error;

  SweepJob moreColumns = job;
  moreColumns.columns.push_back("extra");
  EXPECT_FALSE(ResultsStore::open(dir, moreColumns, metrics(), ResultsStore::Mode::Resume, error));
  EXPECT_NE(error.find("has no column 'extra', which this sweep writes"), std::string::npos)
      << error;
}

TEST(ResultsStore, UnwritableDirectoryIsAnError) {
  SweepJob job = blobsJob({0.1});
  std::string file = freshDirectory("plainfile"), error;
  std::ofstream(file) << "not a directory";
  EXPECT_FALSE(ResultsStore::open(file + "/sub", job, metrics(), ResultsStore::Mode::Fresh, error));
  EXPECT_NE(error.find(file), std::string::npos) << error;
}

// Regression: a disk that filled up in the middle of a program's runs.csv
// rows kept the rows written before it, so a resume took part of the program
// for finished (its cut and pruning verdicts then differ from an unbroken
// run), and a curves.csv row cut short glued itself to the next one. A write
// that fails now takes back what it wrote. The file size limit stands in for
// the full disk: past it, write() writes what fits and then fails (EFBIG).
TEST(ResultsStore, AFailedAppendLeavesTheFilesAsTheyWere) {
  SweepJob job = blobsJob({0.1, 0.2, 0.3, 0.4, 0.5, 0.6});
  std::string dir = freshDirectory("disk-full"), error;
  std::string runsBefore, curvesBefore;
  {
    auto store = ResultsStore::open(dir, job, metrics(), ResultsStore::Mode::Fresh, error);
    ASSERT_TRUE(store) << error;
    ASSERT_TRUE(store->appendCurves(store->curveRow(0, 1, {0.5, 0.8, 0.3}, 0.1), error));
    ASSERT_TRUE(store->appendRuns({recordFor(job, 0, 0.8, 1)}, error)) << error;
    runsBefore = readText(dir + "/runs.csv");
    curvesBefore = readText(dir + "/curves.csv");
    std::vector<RunRecord> program;
    std::string curveRows;
    for (size_t r = 1; r < job.runs.size(); ++r) {
      program.push_back(recordFor(job, r, 0.7, 1));
      curveRows += store->curveRow(job.runs[r].id, 1, {0.5, 0.7, 0.3}, 0.1);
    }
    // Room for a row and a half in each file, not for all five.
    rlimit saved;
    ASSERT_EQ(getrlimit(RLIMIT_FSIZE, &saved), 0);
    auto previous = std::signal(SIGXFSZ, SIG_IGN);
    rlimit tight = saved;
    tight.rlim_cur = curvesBefore.size() + 30;
    ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &tight), 0);
    bool curvesWritten = store->appendCurves(curveRows, error);
    std::string curvesError = error;
    tight.rlim_cur = runsBefore.size() + 90;
    ASSERT_EQ(setrlimit(RLIMIT_FSIZE, &tight), 0);
    bool runsWritten = store->appendRuns(program, error);
    setrlimit(RLIMIT_FSIZE, &saved);
    std::signal(SIGXFSZ, previous);
    EXPECT_FALSE(curvesWritten);
    EXPECT_NE(curvesError.find("curves.csv"), std::string::npos) << curvesError;
    EXPECT_FALSE(runsWritten);
    EXPECT_NE(error.find("runs.csv"), std::string::npos) << error;
    EXPECT_EQ(readText(dir + "/runs.csv"), runsBefore);
    EXPECT_EQ(readText(dir + "/curves.csv"), curvesBefore);
    for (size_t r = 1; r < job.runs.size(); ++r)
      EXPECT_FALSE(store->isFinished(job.runs[r].id)) << r;
    // With room again, the next write goes on where the files end.
    ASSERT_TRUE(store->appendCurves(store->curveRow(1, 1, {0.5, 0.7, 0.3}, 0.1), error)) << error;
    ASSERT_TRUE(store->appendRuns({recordFor(job, 1, 0.7, 1)}, error)) << error;
  }
  auto store = ResultsStore::open(dir, job, metrics(), ResultsStore::Mode::Resume, error);
  ASSERT_TRUE(store) << error;
  ASSERT_EQ(store->recoveredRuns().size(), 2u);
  EXPECT_TRUE(store->isFinished(0));
  EXPECT_TRUE(store->isFinished(1));
  EXPECT_FALSE(store->isFinished(2));
  EXPECT_EQ(completeCsvRecords(readText(dir + "/curves.csv")).size(), 3u);
}

// What MPI ranks do with results (docs/cluster.md): a rank reads rank 0's
// directory without locking or changing it, and rank 0 absorbs a rank's runs
// with their curves, skipping runs it already holds.
TEST(ResultsStore, ReadOnlyChangesNothingAndAbsorbMergesOnlyNewRuns) {
  SweepJob job = blobsJob({0.1, 0.2, 0.3});
  std::string root = freshDirectory("absorb-root"), rank = freshDirectory("absorb-rank"),
              error;
  auto sweep = ResultsStore::open(root, job, metrics(), ResultsStore::Mode::Fresh, error);
  ASSERT_TRUE(sweep) << error;
  ASSERT_TRUE(sweep->appendRun(recordFor(job, 0, 0.7), error)) << error;
  // A cut row at the end, as a kill leaves it.
  {
    std::ofstream out(root + "/runs.csv", std::ios::app);
    out << "2,cut";
  }
  std::string before = readText(root + "/runs.csv");
  auto reader = ResultsStore::open(root, job, metrics(), ResultsStore::Mode::ReadOnly, error);
  ASSERT_TRUE(reader) << error; // The writer's lock does not keep a reader out.
  EXPECT_TRUE(reader->isFinished(job.runs[0].id));
  EXPECT_FALSE(reader->isFinished(job.runs[2].id));
  EXPECT_EQ(readText(root + "/runs.csv"), before);

  auto other = ResultsStore::open(rank, job, metrics(), ResultsStore::Mode::Fresh, error);
  ASSERT_TRUE(other) << error;
  other->adoptFinished(*reader);
  EXPECT_TRUE(other->isFinished(job.runs[0].id));
  ASSERT_TRUE(other->appendCurves(other->curveRow(job.runs[1].id, 1, {0.5, 0.8, 0.2}, 0.1) +
                                      other->curveRow(job.runs[1].id, 2, {0.4, 0.9, 0.1}, 0.2),
                                  error));
  ASSERT_TRUE(other->appendRun(recordFor(job, 1, 0.9, 2), error));
  // Run 0 again in the rank's directory (finished twice after a crash): kept once.
  ASSERT_TRUE(other->appendRun(recordFor(job, 0, 0.7), error));
  // The rank's runs.csv lists runs 1 and 0; the sweep gains run 1 alone.
  std::string cut = before.substr(0, before.rfind("2,cut"));
  {
    std::ofstream out(root + "/runs.csv", std::ios::trunc);
    out << cut;
  }
  ASSERT_TRUE(sweep->absorb(rank, job, error)) << error;
  EXPECT_TRUE(sweep->isFinished(job.runs[1].id));
  ASSERT_EQ(sweep->recoveredRuns().size(), 1u);
  EXPECT_EQ(sweep->recoveredRuns()[0].id, job.runs[1].id);
  ASSERT_EQ(sweep->recoveredCurves().size(), 2u);
  EXPECT_EQ(sweep->recoveredCurves().epochs[1], 2);
  EXPECT_EQ(sweep->recoveredCurves().metric(1, 1), 0.9);
  std::string runs = readText(root + "/runs.csv"), curves = readText(root + "/curves.csv");
  EXPECT_EQ(completeCsvRecords(runs).size(), 3u);   // Header, run 0, run 1.
  EXPECT_EQ(completeCsvRecords(curves).size(), 3u); // Header, two epochs.
  // A directory without results adds nothing; one of another sweep is refused.
  EXPECT_TRUE(sweep->absorb(freshDirectory("absorb-none"), job, error));
  SweepJob otherSweep = blobsJob({0.1});
  otherSweep.columns = {"optimizer.lr"};
  for (RunSpec &run : otherSweep.runs)
    run.columnValues = {"0.1"};
  std::string foreign = freshDirectory("absorb-foreign");
  ASSERT_TRUE(ResultsStore::open(foreign, otherSweep, metrics(), ResultsStore::Mode::Fresh, error));
  EXPECT_FALSE(sweep->absorb(foreign, job, error));
  EXPECT_NE(error.find("has no column 'note', which this sweep writes"),
            std::string::npos)
      << error;
}
