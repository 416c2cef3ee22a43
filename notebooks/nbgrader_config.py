# nbgrader configuration of the Identify Lab course.
c = get_config()  # noqa: F821
c.CourseDirectory.course_id = "identify-lab"
# The browser checks take a few seconds on a cold start.
c.Execute.timeout = 120
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
