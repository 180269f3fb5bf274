"""What film clubs do together: member reviews with ratings, a watchlist and movie nights.

model.py holds the data classes, enums and validation; reviews.py the review rules and the
post's shape; club.py the settings, watchlist and reaction counts; movienight.py the
plan/poll/event steps; services.py builds them all (`Community`); storage/community.py and
storage/community_nights.py are their repositories.
"""
