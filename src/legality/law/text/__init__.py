"""Reading the Criminal Code's own text: article structure, sanctions, footnotes (for `legality law import`)."""
