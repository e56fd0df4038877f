"""The baseline for the API benchmarks: a bare FastAPI endpoint, no middleware, no database."""

from fastapi import FastAPI

app = FastAPI()


@app.get("/bare")
async def bare() -> dict:
    return {"id": "0" * 32, "status": "done", "stage": "done", "progress": 100.0}


@app.get("/health")
async def health() -> dict:
    return {"status": "ok"}
