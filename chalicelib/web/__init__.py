"""HTTP blueprints, one per audience: admin (HTML), api (JSON); portal and webhooks come later."""
