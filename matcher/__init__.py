"""The matching engine: intake (records as sent -> prepared), store (PostgreSQL and all
SQL), match (scoring, explanations, course plans, the matcher), recognition, and the
Engine that starts them (`engine.py`). README, "Architecture", draws the layers."""
