"""The code that runs inside a learner's kernel to call their exercise functions.

After the notebook has run, the grader sends :data:`SOURCE` (the text of :func:`main` and
its helper) and one exercise's encoded cases to the learner's kernel (:func:`call_code`).
:func:`main` looks the function up in the notebook's namespace and answers each case with
the bank's
:func:`nnlessons.exercises.runner.run_encoded` (plain JSON: the result as exact plain types
and ``.npy`` arrays, or the exception's name, or "not done yet"). Each answer is published
as its own display message (:data:`RESULT_MIME`) as soon as the case is done, so cases
finished before a time limit still count.

Nothing here is trusted by the grader: the learner's code runs in the same process and can
replace any of it, or publish messages of its own. The grader therefore reads the replies
strictly (no pickle, no functions, exact types) and judges them against expected values it
computed in its own process.

Introduced for instructors (docs/instructors.md); not part of any lesson.

Examples
--------
>>> import json
>>> from nnlessons.exercises import get_exercise
>>> from nnlessons.exercises.runner import encode_case
>>> ex = get_exercise("double")
>>> sent = []
>>> payloads = [encode_case(ex, case) for case in ex.cases()]
>>> main({"double": lambda x: 2 * x}, "double", payloads, send=sent.append)
>>> sent[0]["case"], json.loads(sent[0]["reply"])["status"]
(0, 'ok')
"""

import inspect

RESULT_MIME = "application/vnd.nnlessons.grading+json"


def _publish(record):
    from IPython.display import publish_display_data

    publish_display_data({RESULT_MIME: record})


def main(user_ns, name, payloads, send=None):
    """Answer every case of exercise ``name`` with the learner's function of that name.

    Parameters
    ----------
    user_ns : dict
        The notebook's global namespace.
    name : str
        The exercise (and function) name.
    payloads : list of str
        One :func:`~nnlessons.exercises.runner.encode_case` payload per case.
    send : callable, optional
        Where records go (default: a display message of type :data:`RESULT_MIME`).
    """
    from nnlessons.exercises.runner import run_encoded

    send = send or _publish
    if name not in user_ns:
        send({"exercise": name, "missing": True})
        return
    function = user_ns[name]
    for index, payload in enumerate(payloads):
        try:
            reply = run_encoded(function, payload)
        except KeyboardInterrupt:  # the time limit: let the grader see it
            raise
        except BaseException as error:  # exotic exceptions run_encoded lets through
            send({"exercise": name, "case": index, "crash": type(error).__name__})
        else:
            send({"exercise": name, "case": index, "reply": reply})


#: What the kernel runs: the two functions above, without this module's other lines.
SOURCE = "\n".join([f"RESULT_MIME = {RESULT_MIME!r}", inspect.getsource(_publish),
                    inspect.getsource(main)])


def call_code(name, payloads):
    """The code cell the grader runs in the kernel to grade exercise ``name``.

    It defines nothing that stays in the notebook's namespace.

    Examples
    --------
    >>> code = call_code("double", [])
    >>> compile(code, "<grading>", "exec") is not None, "namespace['main'](globals()" in code
    (True, True)
    """
    return (f"def __nnlessons_grade(namespace):\n"
            f"    exec({SOURCE!r}, namespace)\n"
            f"    namespace['main'](globals(), {name!r}, {payloads!r})\n"
            f"try:\n"
            f"    __nnlessons_grade({{'__name__': '__nnlessons_grading__'}})\n"
            f"finally:\n"
            f"    del __nnlessons_grade\n")
