"""The signed-in home page and the language switcher."""
