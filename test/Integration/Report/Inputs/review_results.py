#!/usr/bin/env python3
"""Writes the result files of the report cases review-fixes-2.test checks.

    review_results.py DIR CASE

groups: 45 groups of one run, joules (g + 1) * 10 but none for every ninth group
    (a resume with --no-energy), so the 39 costliest are groups 44..6 but 36, 27,
    18, 9 and 0;
wordy: one setting of 31 words besides the seed;
slots: eight settings of 31 words, then a numeric learning rate;
activations: a setting of 11 words.
"""
import os
import sys

HEADER = ("run,config_hash,group,{settings},status,status_epoch,stop_reason,epochs_trained,"
          "train_loss,val_loss,device,seconds,joules,joules_source,accuracy_per_kj\n")


def write(directory, settings, rows):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "runs.csv"), "w") as f:
        f.write(HEADER.format(settings=",".join(settings)))
        for run, (group, values, joules) in enumerate(rows):
            f.write(f"{run},{run:016x},{group},{','.join(values)},ok,0,,1,1,{1 / (run + 1)},cpu,"
                    f"{run + 1.0},{joules},{'estimated:model' if joules else ''},\n")
    with open(os.path.join(directory, "summary.json"), "w") as f:
        f.write('{"sweep": "review", "ranked_by": "val_loss", "higher_is_better": false}')


def main():
    directory, case = sys.argv[1], sys.argv[2]
    if case == "groups":
        write(directory, ["w"], [(g, [str(g)], "" if g % 9 == 0 else str((g + 1) * 10.0))
                                 for g in range(45)])
    elif case == "wordy":
        write(directory, ["data.path", "seed"], [(0, [f"file{r}.csv", str(r)], "1.0")
                                                  for r in range(31)])
    elif case == "slots":
        names = [f"word{k}" for k in range(8)] + ["optimizer.lr"]
        write(directory, names, [(0, [f"v{r}"] * 8 + [str(0.001 * (r + 1))], "1.0")
                                 for r in range(31)])
    elif case == "activations":
        write(directory, ["model.act"], [(0, [f"act{r}"], "1.0") for r in range(11)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
