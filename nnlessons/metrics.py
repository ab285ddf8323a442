"""Measures of a classifier's predictions: accuracy and the confusion matrix.

Lesson 08 compares networks by their validation accuracy; lesson 10 measures the digit
recogniser's accuracy on the test set and reads its mistakes from a confusion matrix.
``fit`` records the accuracy of each epoch with the same rule (``nnlessons.training``),
``nl.plots.plot_confusion_matrix`` draws ``confusion_matrix``, and the exercises of lesson
10 compare the learner's versions with these.

Left out on purpose: precision, recall, F1, ROC curves and class weights.
"""

import numpy as np

from ._validation import _show, as_float_array, check_int

__all__ = ["accuracy", "confusion_matrix"]


def _labels(values):
    """Class labels of labels (n,), of a column (n, 1) (above 0.5 is 1) or of rows (n, k)."""
    if values.ndim == 1:
        return values
    return values.argmax(axis=1) if values.shape[1] > 1 else (values[:, 0] > 0.5).astype(int)


def accuracy(y_true, y_pred):
    """The fraction of samples whose predicted class is the true class.

    Parameters
    ----------
    y_true, y_pred : array_like of shape (n_samples,) or (n_samples, n_classes)
        Integer labels; or rows of one-hot targets or network outputs (the class is the
        column of the largest value); or one column of 0/1 targets or sigmoid outputs
        (class 1 when above 0.5, as ``MLP.predict``).

    Returns
    -------
    float

    Examples
    --------
    >>> accuracy([0, 1, 2, 2], [0, 1, 1, 2])
    0.75
    >>> accuracy([1, 0], [[0.9], [0.6]])
    0.5
    """
    labels = []
    for name, values in (("y_true", y_true), ("y_pred", y_pred)):
        values = as_float_array(values, name, ndim=(1, 2))
        if values.ndim == 1 and np.any(values != np.round(values)):
            raise ValueError(f"{name} of shape {values.shape} must hold class labels, got "
                             f"{values[values != np.round(values)][0]}; pass labels "
                             "(net.predict(X)) or outputs of shape (n_samples, n_outputs)")
        labels.append(_labels(values))
    if len(labels[0]) != len(labels[1]):
        raise ValueError(f"y_true and y_pred must have the same number of samples, got "
                         f"{len(labels[0])} and {len(labels[1])}")
    if len(labels[0]) == 0:
        raise ValueError("y_true and y_pred must hold at least one sample, got 0")
    return float(np.mean(labels[0] == labels[1]))


def _class_labels(values, name):
    """``values`` as a 1-D int64 array of labels >= 0, or a clear error."""
    labels = as_float_array(values, name, ndim=1)
    bad = (labels != np.round(labels)) | (labels < 0)
    if np.any(bad):
        i = int(np.argmax(bad))
        raise ValueError(f"{name} must hold integer class labels >= 0, got {labels[i]} at "
                         f"index {i}")
    return labels.astype(np.int64)


def confusion_matrix(y_true, y_pred, n_classes=None):
    """Counts of (true class, predicted class) pairs: rows are true, columns predicted.

    Parameters
    ----------
    y_true, y_pred : array_like of int, shape (n_samples,)
        Class labels in ``[0, n_classes)``.
    n_classes : int, optional
        The number of classes; by default one more than the largest label seen.

    Returns
    -------
    ndarray of int64, shape (n_classes, n_classes)
        ``matrix[i, j]`` counts the samples of true class ``i`` predicted as ``j``; the
        diagonal holds the right answers.

    Examples
    --------
    >>> confusion_matrix([0, 1, 1, 2], [0, 1, 2, 2])
    array([[1, 0, 0],
           [0, 1, 1],
           [0, 0, 1]])
    >>> confusion_matrix([0, 1], [1, 1], n_classes=3).sum(axis=0)
    array([0, 2, 0])
    """
    y_true, y_pred = _class_labels(y_true, "y_true"), _class_labels(y_pred, "y_pred")
    if y_true.shape != y_pred.shape:
        raise ValueError(f"y_true and y_pred must have the same shape (n_samples,), got "
                         f"{y_true.shape} and {y_pred.shape}")
    seen = int(max(y_true.max(initial=-1), y_pred.max(initial=-1))) + 1
    if n_classes is None:
        n_classes = max(seen, 1)
    n_classes = check_int(n_classes, "n_classes", minimum=1)
    if seen > n_classes:
        raise ValueError(f"n_classes={_show(n_classes)} is too small: the labels go up to "
                         f"{seen - 1}; pass n_classes >= {seen}")
    matrix = np.zeros((n_classes, n_classes), dtype=np.int64)
    np.add.at(matrix, (y_true, y_pred), 1)              # rows true, columns predicted
    return matrix
