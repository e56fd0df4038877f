from veritasad.cli import app

app(prog_name="veritasad")
