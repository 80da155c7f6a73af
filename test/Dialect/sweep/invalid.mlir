// Every verifier error of the sweep dialect.
// RUN: sweep-opt %s -split-input-file -verify-diagnostics

sweep.experiment @e runs 2 {
  sweep.dataset @d "blobs" inputs 2 targets 3 train 10 validation 0 test 0
  // expected-error @+1 {{uses dataset @missing, which the experiment does not declare}}
  sweep.group @g data @missing runs [0] batch 4 epochs 1 {
    sweep.hyperparameter "seed" dense<[0.0]> : tensor<1xf64>
  }
}

// -----

sweep.experiment @e runs 2 {
  sweep.dataset @d "blobs" inputs 2 targets 3 train 10 validation 0 test 0
  sweep.group @g data @d runs [0, 1] batch 4 epochs 1 {
    // expected-error @+1 {{has 3 values for a group of 2 runs}}
    sweep.hyperparameter "optimizer.lr" dense<[0.1, 0.2, 0.3]> : tensor<3xf64>
  }
}

// -----

sweep.experiment @e runs 2 {
  sweep.dataset @d "blobs" inputs 2 targets 3 train 10 validation 0 test 0
  sweep.group @a data @d runs [0, 1] batch 4 epochs 1 {
    sweep.hyperparameter "seed" dense<[0.0, 0.0]> : tensor<2xf64>
  }
  // expected-error @+1 {{has run 1, which another group has too}}
  sweep.group @b data @d runs [1] batch 4 epochs 1 {
    sweep.hyperparameter "seed" dense<[0.0]> : tensor<1xf64>
  }
}

// -----

// expected-error @+1 {{has 2 runs but its groups hold 1}}
sweep.experiment @e runs 2 {
  sweep.dataset @d "blobs" inputs 2 targets 3 train 10 validation 0 test 0
  sweep.group @a data @d runs [5] batch 4 epochs 1 {
    sweep.hyperparameter "seed" dense<[0.0]> : tensor<1xf64>
  }
}

// -----

sweep.experiment @e runs 0 {
  sweep.dataset @d "blobs" inputs 2 targets 3 train 10 validation 0 test 0
  // expected-error @+1 {{has no runs}}
  sweep.group @a data @d runs [] batch 4 epochs 1 {
    sweep.hyperparameter "seed" dense<[]> : tensor<0xf64>
  }
}

// -----

sweep.experiment @e runs 1 {
  sweep.dataset @d "blobs" inputs 2 targets 3 train 10 validation 0 test 0
  // expected-error @+1 {{needs a positive batch size and epoch count (has 0 and 1)}}
  sweep.group @a data @d runs [0] batch 0 epochs 1 {
    sweep.hyperparameter "seed" dense<[0.0]> : tensor<1xf64>
  }
}

// -----

sweep.experiment @e runs 1 {
  // expected-error @+1 {{needs at least one input and one target (has 0 and 3)}}
  sweep.dataset @d "blobs" inputs 0 targets 3 train 10 validation 0 test 0
}

// -----

sweep.experiment @e runs 1 {
  // expected-error @+1 {{has split sizes train 0, validation 0, test 0}}
  sweep.dataset @d "blobs" inputs 2 targets 3 train 0 validation 0 test 0
}

// -----

sweep.experiment @e runs 1 {
  sweep.dataset @d "blobs" inputs 2 targets 3 train 10 validation 0 test 0
  // expected-error @+1 {{has the negative run id -1}}
  sweep.group @a data @d runs [-1] batch 4 epochs 1 {
    sweep.hyperparameter "seed" dense<[0.0]> : tensor<1xf64>
  }
}
