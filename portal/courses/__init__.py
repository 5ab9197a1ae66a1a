"""Courses on injury policy: content, assignments, progress, quizzes and acknowledgements."""
