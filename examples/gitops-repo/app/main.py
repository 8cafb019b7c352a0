"""shop-web: a tiny HTTP service used as the workload in this GitOps example.

Endpoints:
  GET /healthz     liveness: the process is up and serving requests
  GET /readyz      readiness: the required configuration is present
  GET /api/banner  returns the storefront banner, read from SHOP_BANNER_MESSAGE
"""

import os

from flask import Flask, jsonify

BANNER_ENV = "SHOP_BANNER_MESSAGE"


def create_app() -> Flask:
    app = Flask(__name__)

    @app.get("/healthz")
    def healthz():
        return jsonify(status="ok")

    @app.get("/readyz")
    def readyz():
        # Not ready until the configuration injected from the ConfigMap is present.
        if not os.environ.get(BANNER_ENV):
            return jsonify(status="not ready", missing=BANNER_ENV), 503
        return jsonify(status="ready")

    @app.get("/api/banner")
    def banner():
        message = os.environ.get(BANNER_ENV)
        if not message:
            return jsonify(error=f"{BANNER_ENV} is not set"), 503
        return jsonify(message=message)

    return app


app = create_app()


if __name__ == "__main__":
    # Local development only; the container runs gunicorn (see Dockerfile).
    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "8080")))
