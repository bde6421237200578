"""The exercise checkers: a right answer passes, typical wrong answers get the right hint."""

import numpy as np
import pytest

import linreg_core as lc
import linreg_exercises as ex
