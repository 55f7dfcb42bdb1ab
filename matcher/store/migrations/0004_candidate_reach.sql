-- 0004: matching a vacancy to candidates bounds its search box by the farthest any
-- candidate travels; this index answers max(travel_radius_km) at once.
CREATE INDEX candidate_radius_idx ON candidate (travel_radius_km);
