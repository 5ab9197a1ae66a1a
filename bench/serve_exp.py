import os
from bench.serve import app
@app.after_request
def _pid(response):
    response.headers["X-Pid"] = str(os.getpid())
    return response
